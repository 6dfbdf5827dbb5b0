"""Tests of the connectivity survey: the questionnaire's answers, rounds, versions, the import."""
