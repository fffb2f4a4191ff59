import sys

import kindling

source, target = sys.argv[1], sys.argv[2]
people = spark.read.json(source)  # relative: the task's cwd and the Spark process's are both the executor's workDir
adults = people.where(people.age > int(kindling.params["min_age"])).select("id", "name.first", "age", "country")
adults.write.mode("overwrite").parquet(target)
kindling.set_value("adults", adults.count())
kindling.log(f"{adults.count()} adults written to {target} for {kindling.ds} in run {kindling.run_id}")
