import kindling

if kindling.attempt == 1:
    raise RuntimeError("the first attempt fails on purpose")
print("attempt", kindling.attempt, "counted", spark.range(10).count())
