"""The claim vocabulary, shared by the pure rules and the models (no ORM here)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Program(models.TextChoices):
    JHT = "JHT", _("Old-age savings (JHT)")
    JP = "JP", _("Pension (JP)")
    JKM = "JKM", _("Death benefit (JKM)")
    JKK = "JKK", _("Work accident (JKK)")
    JKP = "JKP", _("Job-loss (JKP)")


class Kind(models.TextChoices):
    FULL = "full", _("Full")
    PARTIAL = "partial", _("Partial")


class Reason(models.TextChoices):
    RETIREMENT_AGE = "retirement_age", _("Reached retirement age")
    RESIGNATION = "resignation", _("Resigned")
    TERMINATION = "termination", _("Employment terminated (PHK)")
    CONTRACT_END = "contract_end", _("Fixed-term (PKWT) contract ended")
    STOPPED_WORKING = "stopped_working", _("Stopped working (self-employed, BPU)")
    LEAVING_INDONESIA = "leaving_indonesia", _("Leaving Indonesia for good")
    PERMANENT_DISABILITY = "permanent_disability", _("Permanent total disability")
    DEATH = "death", _("Death of the participant")
    HOUSING = "housing", _("Home ownership (up to 30 %)")
    RETIREMENT_PREPARATION = (
        "retirement_preparation",
        _("Other retirement preparation (up to 10 %)"),
    )
    PENSION_AGE = "pension_age", _("Reached pension age")
    WORK_ACCIDENT = "work_accident", _("Work accident")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    VERIFYING = "verifying", _("Checking documents")
    IN_REVIEW = "in_review", _("In review")
    SECOND_APPROVAL = "second_approval", _("Waiting for a second approval")
    NEEDS_DOCUMENTS = "needs_documents", _("Documents needed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


# The colour of the status tag (the design system's tag-green, tag-amber, tag-red, tag-grey):
# amber when the participant must act, green when the money comes, red when refused.
STATUS_TAGS = {
    Status.SUBMITTED: "grey",
    Status.VERIFYING: "grey",
    Status.IN_REVIEW: "grey",
    Status.SECOND_APPROVAL: "grey",
    Status.NEEDS_DOCUMENTS: "amber",
    Status.APPROVED: "green",
    Status.PAID: "green",
    Status.REJECTED: "red",
    Status.CANCELLED: "grey",
}

# A claim is open until it is decided against, paid or cancelled: one open claim per program.
OPEN_STATUSES = (
    Status.SUBMITTED,
    Status.VERIFYING,
    Status.IN_REVIEW,
    Status.SECOND_APPROVAL,
    Status.NEEDS_DOCUMENTS,
    Status.APPROVED,
)

# The state machine's graph: `services.claim_transition` allows these moves only.
# Approved goes to paid only through a payment batch the bank confirmed (claims/payouts.py).
# Verifying goes to "documents needed" when the documents pipeline rejects an upload, and
# back to verifying when the participant sends the replacements.
TRANSITIONS = {
    Status.SUBMITTED: {Status.VERIFYING, Status.CANCELLED},
    Status.VERIFYING: {Status.IN_REVIEW, Status.NEEDS_DOCUMENTS, Status.CANCELLED},
    Status.IN_REVIEW: {
        Status.APPROVED,
        Status.SECOND_APPROVAL,
        Status.REJECTED,
        Status.NEEDS_DOCUMENTS,
        Status.CANCELLED,
    },
    # Above the dated threshold a first approval waits here for a second officer.
    Status.SECOND_APPROVAL: {
        Status.APPROVED,
        Status.REJECTED,
        Status.NEEDS_DOCUMENTS,
        Status.CANCELLED,
    },
    Status.NEEDS_DOCUMENTS: {Status.IN_REVIEW, Status.VERIFYING, Status.CANCELLED},
    Status.APPROVED: {Status.PAID},
}


class Channel(models.TextChoices):
    ONLINE = "online", _("Online (portal)")
    BRANCH = "branch", _("Branch counter")
    PARTNER = "partner", _("Partner")


# The documents app's kind for each claim document (documents.Document.Kind values).
DOCUMENT_KINDS = {"ktp": "ktp", "heir_ktp": "ktp", "family_card": "kk", "bank_book": "bank_book"}
DOCUMENT_KIND_OTHER = "supporting"


class DocumentType(models.TextChoices):
    """What a claim needs on paper (DOMAIN.md §3, §5); documents.Document kinds on merge."""

    KPJ_CARD = "kpj_card", _("Membership card (KPJ)")
    KTP = "ktp", _("Identity card (KTP)")
    RESIGNATION_LETTER = "resignation_letter", _("Resignation letter (paklaring) from the employer")
    PHK_PROOF = (
        "phk_proof",
        _(
            "Proof of termination: PHK report receipt, PHK notice with no-objection, joint "
            "agreement, or industrial-court ruling (one of them)"
        ),
    )
    CONTRACT_END_LETTER = "contract_end_letter", _("Fixed-term contract or its end letter")
    NOT_WORKING_IN_INDONESIA = (
        "not_working_in_indonesia",
        _("Statement that you no longer work in Indonesia"),
    )
    PASSPORT = "passport", _("Passport")
    DOCTOR_LETTER = "doctor_letter", _("Letter from the examining or advising doctor")
    DEATH_CERTIFICATE = "death_certificate", _("Death certificate")
    HEIR_CERTIFICATE = "heir_certificate", _("Heir certificate or court ruling")
    HEIR_KTP = "heir_ktp", _("Identity card (KTP) of the heir")
    FAMILY_CARD = "family_card", _("Family card (KK)")
    MARRIAGE_BOOK = "marriage_book", _("Marriage book (if the heir is the spouse)")
    WORK_REFERENCE = "work_reference", _("Work reference from the employer")
    BANK_BOOK = "bank_book", _("Bank book of the receiving account")
    HOUSING_PROOF = "housing_proof", _("Proof of the home purchase or mortgage")
    ACCIDENT_REPORT = "accident_report", _("Work accident report (stage I) from the employer")
    MEDICAL_CERTIFICATE = "medical_certificate", _("Doctor's statement of the injury")


# What each claim type is called in the list and on the claim: the benefit and who claims it,
# so three claims after a death (JHT for the heir, the JP survivor's pension, the JKM death
# benefit) never read alike. Keys are `rules.ClaimType.code`.
CLAIM_TYPE_LABELS = {
    "JHT:full:retirement_age": _("JHT in full: I reached retirement age"),
    "JHT:full:resignation": _("JHT in full: I resigned"),
    "JHT:full:termination": _("JHT in full: my employment was terminated (PHK)"),
    "JHT:full:contract_end": _("JHT in full: my fixed-term contract (PKWT) ended"),
    "JHT:full:stopped_working": _("JHT in full: I am self-employed (BPU) and stopped working"),
    "JHT:full:leaving_indonesia": _("JHT in full: I am leaving Indonesia for good"),
    "JHT:full:permanent_disability": _("JHT in full: permanent total disability"),
    "JHT:full:death": _("JHT in full, paid to the heir: the participant died"),
    "JHT:partial:housing": _("Part of the JHT (up to 30 %) for a home"),
    "JHT:partial:retirement_preparation": _(
        "Part of the JHT (up to 10 %) for other retirement preparation"
    ),
    "JP:full:pension_age": _("JP old-age pension: I reached pension age"),
    "JP:full:permanent_disability": _("JP disability pension: permanent total disability"),
    "JP:full:death": _("JP survivor's pension for the family: the participant died"),
    "JKM:full:death": _("JKM death benefit for the heir: the participant died"),
    "JKK:full:work_accident": _("JKK: care and benefits after a work accident"),
    "JKP:full:termination": _("JKP job-loss benefit: my employment was terminated (PHK)"),
}
