"""What the sensitive-data detector reports, kept apart from the detector so rules can use it cheaply."""

from __future__ import annotations

from pydantic import BaseModel

__all__ = ["ENTITY_LABELS", "Finding"]

ENTITY_LABELS = {
    "EMAIL_ADDRESS": "email address", "PHONE_NUMBER": "phone number", "CREDIT_CARD": "card number",
    "US_SSN": "US social security number", "IBAN_CODE": "IBAN", "IP_ADDRESS": "IP address",
    "US_BANK_NUMBER": "US bank account number", "US_PASSPORT": "US passport number", "US_ITIN": "US taxpayer number",
    "US_DRIVER_LICENSE": "US driver licence", "UK_NHS": "NHS number", "MEDICAL_LICENSE": "medical licence",
    "CRYPTO": "crypto wallet", "MEDICAL_RECORD_NUMBER": "medical record number", "HEALTH_TERM": "health term",
    "SECRET": "credential or secret", "KEYWORD": "your keyword",
}


class Finding(BaseModel):
    """One piece of sensitive data found in a prompt."""

    entity_type: str
    start: int
    end: int
    score: float
