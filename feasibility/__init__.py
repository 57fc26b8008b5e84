"""feasibility: check a deal against operations' real capacity before quoting it."""

__version__ = "0.1.0"
