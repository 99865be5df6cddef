"""`pulumi-qoder schedule-report`: what the deployments in a `pulumi preview --json` will run, and when."""

from pulumi_qoder.report.analysis import DEFAULT_MAX_RUNS_PER_DAY, ScheduleReport, analyze
from pulumi_qoder.report.preview import PreviewFormatError, parse_preview

__all__ = ["DEFAULT_MAX_RUNS_PER_DAY", "PreviewFormatError", "ScheduleReport", "analyze", "parse_preview"]
