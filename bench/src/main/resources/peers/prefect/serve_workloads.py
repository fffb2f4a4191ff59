"""Kindling's side-by-side benchmark (bench/README.md): the workloads as Prefect flows, served by one long-running
process with prefect.serve (its default poll, every 10 s). Every task is a no-op @task; a task runs inside its
flow's process, so a task-to-task hop is an in-process call. The every-minute deployments start paused; the bench
resumes them. Sizes come from workloads.json next to this file.
"""
import json
import os

from prefect import flow, serve, task

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "workloads.json")) as f:
    SIZES = json.load(f)


@task
def noop():
    return None


@flow(name="kb_chain")
def kb_chain():
    for i in range(SIZES["chain"]):
        noop.with_options(name=f"t{i:02d}")()


@flow(name="kb_wide")
def kb_wide():
    futures = [noop.with_options(name=f"t{i:03d}").submit() for i in range(SIZES["wide"])]
    noop.with_options(name="end").submit(wait_for=futures).result()


@flow(name="kb_one")
def kb_one():
    noop.with_options(name="t")()


@flow(name="kb_cron")
def kb_cron():
    noop.with_options(name="t")()


if __name__ == "__main__":
    deployments = [
        kb_chain.to_deployment(name="kb_chain"),
        kb_wide.to_deployment(name="kb_wide"),
        kb_one.to_deployment(name="kb_one"),
    ]
    for i in range(SIZES["crons"]):
        deployments.append(kb_cron.to_deployment(
            name=f"kb_cron_{i:03d}", cron="* * * * *", paused=True, tags=["kb_cron"]))
    serve(*deployments)
