"""Kindling's side-by-side benchmark (bench/README.md): the workloads as Dagster jobs.

One no-op op definition, aliased for every node; each job on the default executor (multiprocess: a process per
op), and the chain and wide DAG again on the in-process executor (suffix _inprocess). The every-minute schedules
start STOPPED; the bench starts them. Sizes come from workloads.json next to this file.
"""
import json
import os

from dagster import (
    DefaultScheduleStatus,
    Definitions,
    DependencyDefinition,
    GraphDefinition,
    In,
    MultiDependencyDefinition,
    NodeInvocation,
    Nothing,
    ScheduleDefinition,
    in_process_executor,
    op,
)

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "workloads.json")) as f:
    SIZES = json.load(f)


@op(ins={"after": In(Nothing)})
def noop():
    return None


def chain(name):
    deps = {}
    for i in range(SIZES["chain"]):
        node = NodeInvocation("noop", alias=f"t{i:02d}")
        deps[node] = {"after": DependencyDefinition(f"t{i - 1:02d}")} if i > 0 else {}
    return GraphDefinition(name=name, node_defs=[noop], dependencies=deps)


def wide(name):
    deps = {NodeInvocation("noop", alias=f"t{i:03d}"): {} for i in range(SIZES["wide"])}
    deps[NodeInvocation("noop", alias="end")] = {
        "after": MultiDependencyDefinition([DependencyDefinition(f"t{i:03d}") for i in range(SIZES["wide"])])
    }
    return GraphDefinition(name=name, node_defs=[noop], dependencies=deps)


def one(name):
    return GraphDefinition(name=name, node_defs=[noop], dependencies={NodeInvocation("noop", alias="t"): {}})


jobs = [
    chain("kb_chain").to_job(),
    chain("kb_chain_inprocess").to_job(executor_def=in_process_executor),
    wide("kb_wide").to_job(),
    wide("kb_wide_inprocess").to_job(executor_def=in_process_executor),
    one("kb_one").to_job(),
]
schedules = []
for i in range(SIZES["crons"]):
    job = one(f"kb_cron_{i:03d}").to_job()
    jobs.append(job)
    schedules.append(ScheduleDefinition(
        name=f"kb_cron_{i:03d}_schedule", job=job, cron_schedule="* * * * *",
        default_status=DefaultScheduleStatus.STOPPED))

defs = Definitions(jobs=jobs, schedules=schedules)
