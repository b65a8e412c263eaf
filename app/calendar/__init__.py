"""Shared calendar machinery: recurrence expansion and iCalendar feeds.

Pure code (no request, no database): civic-center activities and lab sessions
both describe themselves as a Schedule and are expanded and serialised here.
"""
