"""A plan on paper for TURF over Tülu-3-scale SFT data, from measured per-unit figures.

    python benchmarks/tulu_plan.py --scale-json scale.json [--model gpt-5-mini]

`scale.json` is the last line of `bench_turf.py --scale`. Every rate (strings embedded per
second, HNSW inserts per second, clustering seconds per distinct string, bytes per vector) is
taken from that run on this 2-core machine and extrapolated linearly; HNSW insertion grows
like N·log N, so its figure is scaled by that too. Token counts per extraction call are
assumptions, printed with the result: set them with the flags. Prices come from the built-in
pricing table (`pytest_chunky/models/pricing.yaml`) at the batch discount.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def plan(scale: dict, *, examples: int, attributes: int, distinct_share: float, model: str,
         embed_model: str, text_tokens: int, output_tokens: int,
         attr_tokens: int) -> dict[str, object]:
    from pytest_chunky.calls import prompts
    from pytest_chunky.models.batch import BATCH_DISCOUNT
    from pytest_chunky.models.pricing import load_pricing
    from pytest_chunky.turf.index import HNSW_M
    from pytest_chunky.types import Usage

    pricing = load_pricing()
    system = (len(prompts.EXTRACT_QUERY.system) + len(prompts.EXTRACT_RESPONSE.system)) / 2 / 4
    calls = 2 * examples
    usage = Usage(input_tokens=int(calls * (system + text_tokens)),
                  output_tokens=calls * output_tokens)
    extract_usd = pricing.cost(model, usage) * BATCH_DISCOUNT
    distinct = int(attributes * distinct_share)
    responses = distinct // 2
    embed_usd = pricing.cost(embed_model, Usage(input_tokens=distinct * attr_tokens)) \
        * BATCH_DISCOUNT

    timings = scale["build_timings_s"]
    measured_strings = scale["distinct_attributes"]
    measured_responses = scale["distinct_response_attributes"]
    dim = 256
    embed_s = timings["embed"] * distinct / measured_strings
    cluster_s = timings["cluster"] * distinct / measured_strings
    hnsw_measured = timings["hnsw"]
    growth = (responses * math.log(responses)) / (measured_responses
                                                   * math.log(measured_responses))
    hnsw_s = hnsw_measured * growth
    gb = 1e9
    disk = {
        "attribute_ids_gb": examples * 20 * 4 / gb,
        "attribute_strings_gb": distinct * (attr_tokens * 4 + 4) / gb,
        "embedding_cache_float16_gb": distinct * dim * 2 / gb,
        "hnsw_gb": responses * (dim * 4 + HNSW_M * 2 * 4 + 16) / gb,
        "postings_gb": examples * 10 * 4 / gb,
    }
    memory = {  # what attribution keeps resident: HNSW + centroids; the rest is memory-mapped
        "attribution_resident_gb": disk["hnsw_gb"] + 2000 * dim * 4 / gb,
        "build_peak_gb_estimate": (scale["peak_rss_mb_100k_diverse"] / 1024)
        * distinct / measured_strings,
    }
    return {
        "examples": examples, "attributes": attributes, "distinct_strings": distinct,
        "assumptions": {"distinct_share": distinct_share, "text_tokens": text_tokens,
                        "output_tokens": output_tokens, "system_tokens": round(system),
                        "attribute_tokens": attr_tokens, "embedding_dim": dim},
        "extractor_model": model, "extraction_calls": calls,
        "extraction_input_tokens": usage.input_tokens,
        "extraction_output_tokens": usage.output_tokens,
        "extraction_usd_batch": round(extract_usd, 2),
        "embedding_model": embed_model, "embedding_usd_batch": round(embed_usd, 2),
        "disk": {k: round(v, 2) for k, v in disk.items()},
        "disk_total_gb": round(sum(disk.values()), 1),
        "memory": {k: round(v, 1) for k, v in memory.items()},
        "build_hours_2_cores": {"embed_builtin": round(embed_s / 3600, 2),
                                "cluster": round(cluster_s / 3600, 2),
                                "hnsw": round(hnsw_s / 3600, 2),
                                "total": round((embed_s + cluster_s + hnsw_s) / 3600, 2)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale-json", required=True, help="last line of bench_turf --scale")
    parser.add_argument("--examples", type=int, default=939_000)
    parser.add_argument("--attributes", type=int, default=19_000_000)
    parser.add_argument("--distinct-share", type=float, default=0.8,
                        help="distinct strings / attributes (the scale corpus has 0.6)")
    parser.add_argument("--model", default="gpt-5-mini")
    parser.add_argument("--embed-model", default="text-embedding-3-small")
    parser.add_argument("--text-tokens", type=int, default=400,
                        help="mean tokens of one prompt or response sent for extraction")
    parser.add_argument("--output-tokens", type=int, default=150,
                        help="tokens of one reply: 10 attributes in tags")
    parser.add_argument("--attribute-tokens", type=int, default=12)
    args = parser.parse_args()
    lines = Path(args.scale_json).read_text().strip().splitlines()
    scale = json.loads(next(line for line in reversed(lines) if line.startswith("{")))
    print(json.dumps(plan(scale, examples=args.examples, attributes=args.attributes,
                          distinct_share=args.distinct_share, model=args.model,
                          embed_model=args.embed_model, text_tokens=args.text_tokens,
                          output_tokens=args.output_tokens,
                          attr_tokens=args.attribute_tokens)))


if __name__ == "__main__":
    main()
