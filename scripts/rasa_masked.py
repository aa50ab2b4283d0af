"""Run Rasa's command line with personal data masked in its log records.

Used by the Procfile for the Rasa server and the action server, so ID-card
and mobile numbers never reach their logs.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rasa.__main__ import main  # noqa: E402

from desk.privacy import install_log_masking  # noqa: E402

if __name__ == "__main__":
    install_log_masking()
    main()
