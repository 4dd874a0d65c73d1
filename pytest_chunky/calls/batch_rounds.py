"""Run items through a provider batch API with a resumable state file and per-item retries.

The state file (`batches.json` in the index directory) lists every submitted batch id before
anything waits on it, so a build killed while batches run picks them up on the next run instead
of paying for them twice. Items that fail are resubmitted in the next round; after the last
round each one is listed with its error in the state file and the run raises, naming the file.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

from pydantic import BaseModel, Field

from pytest_chunky.infra.errors import ProviderError
from pytest_chunky.infra.progress import Progress
from pytest_chunky.models.batch import BatchAPI, Item, Outcome

__all__ = ["BatchRecord", "BatchState", "run_rounds"]


class BatchRecord(BaseModel):
    id: str
    provider: str
    endpoint: str
    items: int
    round: int
    collected: bool = False


class BatchState(BaseModel):
    batches: list[BatchRecord] = Field(default_factory=list)
    failed: dict[str, str] = Field(default_factory=dict)  # key -> last error, after all rounds

    @classmethod
    def load(cls, path: Path) -> BatchState:
        if not path.exists():
            return cls()
        try:
            return cls.model_validate_json(path.read_text(encoding="utf-8"))
        except ValueError:
            from pytest_chunky.infra.errors import InputError

            raise InputError("the batch state file is damaged; delete it to start over (batches "
                             "already submitted are then not collected)", path=str(path)) from None

    def save(self, path: Path) -> None:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.model_dump(), indent=1), encoding="utf-8")
        os.replace(tmp, path)  # atomic: an interruption leaves the old or the new state


Store = Callable[[Outcome], Awaitable[None]]


async def _wait(api: BatchAPI, batch_id: str, poll_seconds: float, progress: Progress,
                done_before: int, items: int) -> Outcome:
    while True:
        finished, status = await api.status(batch_id)
        if finished:
            break
        progress.label = f"batch {batch_id} {status}"
        progress.update(done_before)
        await asyncio.sleep(poll_seconds)
    outcome = await api.collect(batch_id)
    progress.update(done_before + items)
    return outcome


async def run_rounds(api: BatchAPI, endpoint: str, pending: Callable[[], dict[str, Item]],
                     store: Store, state_path: Path, *, what: str, rounds: int = 5,
                     poll_seconds: float = 30.0, max_items: int | None = None,
                     show: bool = True) -> int:
    """Batch whatever `pending()` still lists, up to `rounds` times; returns items submitted.

    `pending()` is asked again after each round (and after collecting batches left by an
    interrupted run), so results already stored are never requested again. `store` writes one
    batch's successes to the caches as soon as it is collected.
    """
    state = BatchState.load(state_path)
    pending()  # lets `store` map the results of batches left by an interrupted run
    for record in state.batches:  # resume: collect what an earlier run submitted
        if not record.collected and record.provider == api.provider:
            progress = Progress(f"batch {record.id} (resumed)", record.items, enabled=show)
            await store(await _wait(api, record.id, poll_seconds, progress, 0, record.items))
            record.collected = True
            state.save(state_path)
    submitted = 0
    last_errors: dict[str, str] = {}
    size = max(1, min(max_items or api.max_items, api.max_items))
    for round_no in range(rounds):
        todo = pending()
        if not todo:
            break
        items = list(todo.values())
        records: list[tuple[BatchRecord, list[str]]] = []
        for start in range(0, len(items), size):
            chunk = items[start:start + size]
            batch_id = await api.submit(chunk, endpoint)
            record = BatchRecord(id=batch_id, provider=api.provider, endpoint=endpoint,
                                 items=len(chunk), round=round_no)
            state.batches.append(record)
            state.save(state_path)  # before waiting: an interruption now loses nothing
            records.append((record, [it.key for it in chunk]))
        submitted += len(items)
        progress = Progress(f"{what} batch round {round_no + 1}", len(items), enabled=show)
        done = 0
        last_errors = {}
        for record, keys in records:
            outcome = await _wait(api, record.id, poll_seconds, progress, done, record.items)
            done += record.items
            await store(outcome)
            last_errors.update(outcome.failed)
            missing = outcome.batch_error or "no result returned for this item"
            last_errors.update({key: missing for key in keys
                                if key not in outcome.ok and key not in outcome.failed})
            record.collected = True
            state.save(state_path)
        progress.finish()
    left = pending()
    state.failed = {key: last_errors.get(key, "no result returned for this item")
                    for key in left}
    state.save(state_path)
    if left:
        first_key = next(iter(left))
        raise ProviderError(
            f"{len(left)} {what} request(s) still failed after {rounds} batch round(s) "
            f"(first: {state.failed[first_key]}); each is listed with its error in "
            f"{state_path}; the others are cached, so rerunning the build retries only these")
    return submitted
