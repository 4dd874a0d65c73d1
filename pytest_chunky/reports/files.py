"""The session's report files (HTML, JSON), written once the run ends."""

from __future__ import annotations

from collections.abc import Sequence

from pytest_chunky.results import SearchResult, merge_pipelines
from pytest_chunky.settings import Settings


def write_reports(settings: Settings, results: Sequence[tuple[str, SearchResult]]) -> None:
    """Write the reports the settings ask for, pipelines of one gate merged."""
    from pytest_chunky.reports import html, json_report

    merged = merge_pipelines(list(results))
    if settings.report:
        html.write_html(settings.report, merged)
    if settings.json_report:
        json_report.write_json(settings.json_report, merged)
