//! Shared helpers for the graded test suite of the Descent course.
