print("counted", spark.range(1000).where("id % 7 = 0").count())
