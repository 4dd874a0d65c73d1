"""The rubrics' graded scale, shared by every offline judge."""

SEVERE, SIGNIFICANT, PARTIAL, NONE = 90, 75, 40, 5
DetectorVerdict = tuple[int, str]
