"""Provider batch APIs (OpenAI Batch, Anthropic Message Batches) for index builds.

Batch results are written into the same response and embedding caches the direct calls use,
under the same keys, so a build that was prefilled by batches makes no direct call and yields
the index a direct build would.
"""
