"""Audit log of account changes and exports of personal data."""
