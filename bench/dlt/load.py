"""dlt's side of the bench: its rest_api source over the bench's upstream APIs, merged on the
primary key into Postgres. Prints one JSON line with what it loaded.

REST streams use dlt's cursor paginator (cursor read from the body, sent as a query parameter);
the GraphQL stream is a rest_api POST endpoint whose cursor paginator writes the Relay
`endCursor` into the request body at `variables.after` (dlt's `cursor_body_path`).
"""
import json
import os
import sys
import time

import dlt
from dlt.sources.rest_api import rest_api_source

QUERY = """query Customers($first: Int!, $after: String) {
  customers(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id email displayName phone tier openTickets organization { name domain } lastTicket { id subject createdAt } createdAt updatedAt } }
  }
}"""


def main() -> None:
    base_url, dsn, pipelines_dir, page_size = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    source = rest_api_source(
        {
            "client": {"base_url": base_url},
            "resource_defaults": {"write_disposition": "merge"},
            "resources": [
                {
                    "name": "crm_contacts",
                    "primary_key": "id",
                    "endpoint": {
                        "path": "crm/contacts",
                        "params": {"limit": page_size},
                        "data_selector": "data",
                        "paginator": {"type": "cursor", "cursor_path": "next_cursor", "cursor_param": "cursor"},
                    },
                },
                {
                    "name": "billing_customers",
                    "primary_key": "customer_id",
                    "endpoint": {
                        "path": "billing/customers",
                        "params": {"limit": page_size},
                        "data_selector": "customers",
                        "paginator": {"type": "cursor", "cursor_path": "meta.next_cursor", "cursor_param": "cursor"},
                    },
                },
                {
                    "name": "support_customers",
                    "primary_key": "id",
                    "endpoint": {
                        "path": "support/graphql",
                        "method": "POST",
                        # rest_api treats {...} in request bodies as placeholders: literal braces are doubled.
                        "json": {"query": QUERY.replace("{", "{{").replace("}", "}}"), "variables": {"first": page_size, "after": None}},
                        "data_selector": "data.customers.edges[*].node",
                        "paginator": {
                            "type": "cursor",
                            "cursor_path": "data.customers.pageInfo.endCursor",
                            "cursor_body_path": "variables.after",
                        },
                    },
                },
            ],
        }
    )
    pipeline = dlt.pipeline(
        pipeline_name="bench",
        destination=dlt.destinations.postgres(dsn),
        dataset_name="bench",
        pipelines_dir=pipelines_dir,
    )
    started = time.perf_counter()
    pipeline.run(source)
    wall = time.perf_counter() - started
    counts = pipeline.last_trace.last_normalize_info.row_counts if pipeline.last_trace.last_normalize_info else {}
    steps = {s.step: (s.finished_at - s.started_at).total_seconds() for s in pipeline.last_trace.steps if s.finished_at}
    print(json.dumps({"done": True, "wall_s": wall, "row_counts": dict(counts), "steps": steps, "dlt": dlt.__version__}))


if __name__ == "__main__":
    main()
