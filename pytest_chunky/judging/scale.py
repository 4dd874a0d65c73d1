"""The rubrics' graded scale, shared by every offline judge."""

SEVERE, SIGNIFICANT, PARTIAL, NONE = 90, 75, 40, 5
#: Not a score: the judge cannot decide (a claim it cannot check, text it cannot read). A gate
#: counts abstentions apart from scores, and too many of them are no verdict, never a pass.
ABSTAIN = -1
DetectorVerdict = tuple[int, str]
