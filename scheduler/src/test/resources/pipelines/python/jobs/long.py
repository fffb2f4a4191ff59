import os
import threading
import time


def started():
    # the pid file says the long job runs: its request left a few seconds ago
    time.sleep(3)
    with open("data/py_long.pid", "w") as out:
        out.write(str(os.getpid()))


threading.Thread(target=started, daemon=True).start()
spark.range(0, 1000000000000, 1, 20000).where("hash(id) = 42").count()
