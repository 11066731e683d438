"""Thin shells over the library: the command line, the web, the interview, screening and the register."""
