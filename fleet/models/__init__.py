"""The tables, as typed SQLAlchemy models. The schema itself is built by the Alembic migrations.

By area: ``base`` (Base, column types, the clock), ``catalog`` (founders, schools, contracts),
``devices`` (devices and their events), ``provisioning`` (deliveries, shipments, stocktakes, imaging),
``labelling`` (printers, pre-printed tags), ``lending`` (pupils, loans, agreements, documents),
``access`` (users, tokens, sessions, the access log), ``jobs`` (refused scans, the outbox), ``reports``
(targets, funding sources, roll-ups, evidence packs), ``connectivity`` (the survey, measurements, the plan's
prices and thresholds). Every
name is re-exported here: ``from fleet.models import Device`` is the way to import a model.
"""

from __future__ import annotations

from fleet.models.access import (
    ACCESS_EVENTS,
    ACCOUNT_EVENTS,
    ROLES,
    USER_SOURCES,
    AccessLogEntry,
    ApiToken,
    User,
    WebSession,
    user_founders,
    user_schools,
)
from fleet.models.base import NAMING_CONVENTION, Base, JSONType, UTCDateTime, clock, months_before, utcnow
from fleet.models.catalog import FUNDING_SOURCES, Contract, Founder, School
from fleet.models.connectivity import (
    ANSWER_SOURCES,
    ANSWER_STATUSES,
    LINKS,
    MEASUREMENT_SOURCES,
    ConnectivityPrice,
    ConnectivityThreshold,
    Measurement,
    SurveyAnswer,
    SurveyRound,
)
from fleet.models.devices import Device, Event
from fleet.models.jobs import FoundReport, OutboxMessage, RefusedScan, VerifyRun
from fleet.models.labelling import LabelBatch, PreprintedTag, Printer
from fleet.models.lending import (
    AGREEMENT_STATUSES,
    LOAN_STATUSES,
    Agreement,
    AgreementTemplate,
    Document,
    EligibilityGroup,
    Loan,
    Pupil,
)
from fleet.models.provisioning import (
    ArrivalScan,
    Delivery,
    DeliveryItem,
    DeliveryScan,
    ImagingRun,
    Shipment,
    Stocktake,
    StocktakeScan,
    shipment_items,
)
from fleet.models.reports import (
    EVIDENCE_STATUSES,
    EvidencePack,
    FundingSource,
    OtherFundSerial,
    ProgrammeTarget,
    RollupCount,
    RollupCounted,
    RollupRun,
)

__all__ = [
    "ANSWER_SOURCES", "ANSWER_STATUSES", "LINKS", "MEASUREMENT_SOURCES", "ConnectivityPrice", "ConnectivityThreshold",
    "Measurement", "SurveyAnswer", "SurveyRound",
    "ACCESS_EVENTS", "ACCOUNT_EVENTS", "AGREEMENT_STATUSES", "EVIDENCE_STATUSES", "FUNDING_SOURCES",
    "LOAN_STATUSES", "NAMING_CONVENTION",
    "ROLES",
    "USER_SOURCES", "AccessLogEntry", "Agreement", "AgreementTemplate", "ApiToken", "ArrivalScan", "Base", "Contract",
    "Delivery", "DeliveryItem", "DeliveryScan", "Device", "Document", "EligibilityGroup", "Event", "EvidencePack",
    "FoundReport", "FundingSource", "OtherFundSerial", "ProgrammeTarget", "RollupCount", "RollupCounted", "RollupRun",
    "Founder",
    "ImagingRun", "JSONType", "LabelBatch", "Loan", "OutboxMessage", "PreprintedTag", "Printer", "Pupil", "RefusedScan",
    "School", "Shipment", "Stocktake", "StocktakeScan", "UTCDateTime", "User", "VerifyRun", "WebSession", "clock",
    "months_before", "shipment_items", "user_founders", "user_schools", "utcnow",
]
