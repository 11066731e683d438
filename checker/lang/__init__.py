"""The condition language: text → syntax tree → types → three-valued values. No I/O; imports nothing above it."""
