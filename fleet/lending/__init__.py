"""Lending laptops to pupils: pupils, loans, agreements, the guardian's signing page and the
e-mails to guardians (sent through the outbox)."""
