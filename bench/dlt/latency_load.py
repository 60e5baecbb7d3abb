"""dlt's side of the latency workload: its rest_api source over a slow upstream (every answer
after 150 ms), merged on the primary key into Postgres. Prints one JSON line.

`default` is rest_api as documented, one request at a time per resource. `best` is its best
documented parallel option per shape: for page-number and offset paging, 16 resources that each
page through a sixteenth of the range (`maximum_page` / `maximum_offset`) extracted in parallel
(`parallelized=True`, `EXTRACT__WORKERS=16`); for parent/child, the child resource
`parallelized`; cursor paging cannot be split.

usage: latency_load.py <shape> <default|best> <base_url> <dsn> <pipelines_dir>
"""
import json
import os
import sys
import time

import dlt
from dlt.sources.rest_api import rest_api_source

SHARDS = 16


def resources(shape: str, mode: str):
    if shape == "page_number":
        if mode == "default":
            return [{"name": "page_number", "endpoint": {"path": "page_number", "params": {"per_page": 100}, "data_selector": "data",
                     "paginator": {"type": "page_number", "page_param": "page", "base_page": 1, "total_path": "total_pages"}}}]
        per = 400 // SHARDS
        return [{"name": f"page_number_{k}", "table_name": "page_number",
                 "endpoint": {"path": "page_number", "params": {"per_page": 100}, "data_selector": "data",
                              "paginator": {"type": "page_number", "page_param": "page", "base_page": 1, "page": 1 + per * k,
                                            "total_path": None, "maximum_page": per * (k + 1) + 1}}} for k in range(SHARDS)]
    if shape == "offset":
        if mode == "default":
            return [{"name": "offset", "endpoint": {"path": "offset", "data_selector": "data",
                     "paginator": {"type": "offset", "limit": 100, "offset_param": "offset", "limit_param": "limit", "total_path": "total"}}}]
        per = 40_000 // SHARDS
        return [{"name": f"offset_{k}", "table_name": "offset",
                 "endpoint": {"path": "offset", "data_selector": "data",
                              "paginator": {"type": "offset", "limit": 100, "offset": per * k, "offset_param": "offset", "limit_param": "limit",
                                            "total_path": None, "maximum_offset": per * (k + 1)}}} for k in range(SHARDS)]
    if shape == "parent_child":
        return [
            {"name": "parents", "endpoint": {"path": "parents", "params": {"per_page": 100}, "data_selector": "data",
                                             "paginator": {"type": "page_number", "page_param": "page", "base_page": 1, "total_path": "total_pages"}}},
            {"name": "children", **({"parallelized": True} if mode == "best" else {}),
             "endpoint": {"path": "parents/{parent_id}/children", "data_selector": "data",
                          "params": {"parent_id": {"type": "resolve", "resource": "parents", "field": "id"}},
                          "paginator": {"type": "cursor", "cursor_path": "next_page", "cursor_param": "page"}}},
        ]
    if shape == "cursor":
        return [{"name": "cursor", "endpoint": {"path": "cursor", "data_selector": "data",
                 "paginator": {"type": "cursor", "cursor_path": "next", "cursor_param": "cursor"}}}]
    raise SystemExit(f"unknown shape {shape}")


def main() -> None:
    shape, mode, base_url, dsn, pipelines_dir = sys.argv[1:6]
    source = rest_api_source(
        {"client": {"base_url": base_url}, "resource_defaults": {"write_disposition": "merge", "primary_key": "id"}, "resources": resources(shape, mode)},
        parallelized=(mode == "best"),
    )
    pipeline = dlt.pipeline(pipeline_name=f"latency_{shape}_{mode}", destination=dlt.destinations.postgres(dsn), dataset_name=f"latency_{shape}_{mode}", pipelines_dir=pipelines_dir)
    started = time.perf_counter()
    pipeline.run(source)
    wall = time.perf_counter() - started
    steps = {s.step: (s.finished_at - s.started_at).total_seconds() for s in pipeline.last_trace.steps if s.finished_at and s.started_at}
    counts = pipeline.last_trace.last_normalize_info.row_counts if pipeline.last_trace.last_normalize_info else {}
    print(json.dumps({"done": True, "wall_s": wall, "steps": steps, "row_counts": counts}))


if __name__ == "__main__":
    main()
