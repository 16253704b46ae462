"""The threat assessment models as data: their steps, classifications with definitions, and what each
classification requires before a case may close.

Two models ship: the Comprehensive School Threat Assessment Guidelines (CSTAG, Cornell 2018: its decision
tree, transient / serious substantive / very serious substantive) and a level-of-concern model (low,
moderate, high) as several state models use. A district picks one (``ThreatSettings.model``); a case keeps
the model it was opened under.

A step is satisfied by its own record (``StepRecord``), or, for the steps whose evidence is another record,
by that record: an interview of the right kind, an intervention of the safety plan, the NTAC themes
reviewed. ``missing_steps(case)`` lists, in words, what the case's classification still needs.
"""

import dataclasses

from django.utils.translation import gettext_lazy as _

CSTAG = "cstag"
CONCERN = "concern"
MODEL_CHOICES = [(CSTAG, _("CSTAG (Comprehensive School Threat Assessment Guidelines)")),
                 (CONCERN, _("Level of concern (low, moderate, high)"))]

# Classifications, both models together (a case uses those of its model).
TRANSIENT = "transient"
SERIOUS = "serious_substantive"
VERY_SERIOUS = "very_serious_substantive"
LOW, MODERATE, HIGH = "low", "moderate", "high"

CLASSIFICATION_CHOICES = [
    (TRANSIENT, _("Transient threat")),
    (SERIOUS, _("Serious substantive threat")),
    (VERY_SERIOUS, _("Very serious substantive threat")),
    (LOW, _("Low concern")),
    (MODERATE, _("Moderate concern")),
    (HIGH, _("High concern")),
]

DEFINITIONS = {
    TRANSIENT: _("Not a serious threat of harm: an expression of anger or frustration, a joke or figure of "
                 "speech, that can be resolved quickly (an apology, an explanation) and is over once resolved."),
    SERIOUS: _("A substantive threat (intent to harm beyond the moment) to hit, fight or injure someone, "
               "without a weapon and without intent to kill or seriously injure."),
    VERY_SERIOUS: _("A substantive threat to kill, rape, or cause serious injury, or involving a weapon."),
    LOW: _("The person poses little threat of violence; concerns can be handled with existing supports."),
    MODERATE: _("The person does not appear to pose a threat now but shows behaviours that need "
                "intervention and monitoring."),
    HIGH: _("The person appears to pose a threat of violence: immediate protective action and a safety "
            "plan are needed."),
}
WHEN_IN_DOUBT = _("When in doubt, treat the threat as substantive (or the concern as the higher level).")

CLASSIFICATIONS_BY_MODEL = {CSTAG: (TRANSIENT, SERIOUS, VERY_SERIOUS), CONCERN: (LOW, MODERATE, HIGH)}


@dataclasses.dataclass(frozen=True)
class Step:
    code: str
    name: str
    definition: str
    # What satisfies it besides its own StepRecord: ("interview", kind), ("plan",), ("themes",), or None.
    evidence: tuple | None = None


STEPS = {
    step.code: step for step in [
        Step("interview_subject", _("Interview the student or person who made the threat"),
             _("Hear their account of what was said or done and what they meant."), ("interview", "subject")),
        Step("interview_witnesses", _("Interview the recipients and witnesses"),
             _("Hear the target's and the witnesses' accounts."), ("interview", "witness_or_target")),
        Step("resolve_transient", _("Resolve the transient threat"),
             _("An apology, explanation or clarification ends it; record how it was resolved.")),
        Step("protective_actions", _("Take precautions to protect potential victims"),
             _("Supervision, separation or other immediate measures; record what was done.")),
        Step("notify_targets", _("Notify the intended victims and their parents"),
             _("Tell the intended victims (and their parents, for students) of the threat and what is done.")),
        Step("notify_parents", _("Contact the parents of the student who made the threat"),
             _("Tell the student's parents or guardians and involve them in the plan.")),
        Step("mental_health_assessment", _("Mental health assessment (safety evaluation)"),
             _("A school-based mental health professional evaluates the student's mental health and "
               "needs as part of the safety evaluation.")),
        Step("law_enforcement_consultation", _("Law enforcement consultation"),
             _("Consult the school resource officer or law enforcement about the threat and weapons access.")),
        Step("ntac_themes", _("Review the NTAC investigative themes"),
             _("Go through the Secret Service NTAC themes (motive, communications, weapons, stressors...) "
               "with notes."), ("themes",)),
        Step("safety_plan", _("Safety and support plan"),
             _("At least one intervention with an owner and a due date (counseling, supervision, "
               "a parent conference...)."), ("plan",)),
        Step("screening", _("Initial screening"),
             _("A first look at the report to decide whether a full assessment is needed.")),
        Step("full_assessment", _("Full threat assessment"),
             _("The team gathers information from several sources and decides the level of concern.")),
    ]
}

# What each classification requires before the case may close (in the order shown on the case page).
_SERIOUS_STEPS = ("interview_subject", "interview_witnesses", "protective_actions", "notify_targets",
                  "notify_parents", "safety_plan")
REQUIRED = {
    TRANSIENT: ("interview_subject", "interview_witnesses", "resolve_transient"),
    SERIOUS: _SERIOUS_STEPS,
    VERY_SERIOUS: (*_SERIOUS_STEPS[:-1], "mental_health_assessment", "law_enforcement_consultation", "safety_plan"),
    LOW: ("screening", "interview_subject", "notify_parents"),
    MODERATE: ("screening", "full_assessment", "interview_subject", "interview_witnesses", "notify_parents",
               "ntac_themes", "safety_plan"),
    HIGH: ("screening", "full_assessment", "interview_subject", "interview_witnesses", "notify_parents",
           "protective_actions", "ntac_themes", "mental_health_assessment", "law_enforcement_consultation",
           "safety_plan"),
}

# The steps a person may record by hand, per model (the others are satisfied by their own records too).
STEPS_BY_MODEL = {
    CSTAG: ("interview_subject", "interview_witnesses", "resolve_transient", "protective_actions",
            "notify_targets", "notify_parents", "mental_health_assessment", "law_enforcement_consultation",
            "ntac_themes", "safety_plan"),
    CONCERN: ("screening", "full_assessment", "interview_subject", "interview_witnesses", "notify_parents",
              "protective_actions", "notify_targets", "ntac_themes", "mental_health_assessment",
              "law_enforcement_consultation", "safety_plan"),
}

# The Secret Service National Threat Assessment Center's investigative themes.
NTAC_THEMES = [
    ("motive", _("Motive and goals")),
    ("communications", _("Concerning, unusual or threatening communications")),
    ("interests", _("Inappropriate interest in weapons, violence or attackers")),
    ("weapons", _("Access to weapons")),
    ("stressors", _("Stressors (losses, conflicts, discipline)")),
    ("emotional", _("Emotional and developmental issues")),
    ("despair", _("Desperation or despair, including suicidal thoughts")),
    ("violence_option", _("Violence seen as an acceptable or necessary option")),
    ("behavior", _("Concerning behaviour observed by others")),
    ("capacity", _("Capacity to carry out an attack")),
    ("consistency", _("Consistency of their statements with others' accounts and actions")),
    ("protective", _("Protective factors (trusted adults, connection, stability)")),
]


def step_label(code: str) -> str:
    return str(STEPS[code].name)


def classification_rows(model: str) -> list[tuple[str, str, str]]:
    """(value, label, definition) of a model's classifications, for the form and the case page."""
    labels = dict(CLASSIFICATION_CHOICES)
    return [(c, str(labels[c]), str(DEFINITIONS[c])) for c in CLASSIFICATIONS_BY_MODEL[model]]
