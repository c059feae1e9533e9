"""`proofroom gallery payments`: a studio's gateway, its secrets from the environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CLI = [sys.executable, "-m", "proofroom.cli"]


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], env=env, capture_output=True, text=True, check=False)


def test_the_payments_command_sets_stripe_from_the_environment_and_refuses_bad_input(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PROOFROOM_", "DATABASE_URL"))}
    env.update({"PROOFROOM_SIDE": "gallery", "PROOFROOM_DATA": str(tmp_path)})
    assert run(env, "migrate").returncode == 0
    assert run(env, "gallery", "create-studio", "Lakeside Photo").returncode == 0

    unknown = run(env, "gallery", "payments", "nowhere", "--gateway", "manual")
    assert unknown.returncode == 2 and "no studio at /s/nowhere/" in unknown.stderr

    bad = run(
        {**env, "STRIPE_SECRET_KEY": "not-a-key", "STRIPE_WEBHOOK_SECRET": "whsec_1"},
        "gallery", "payments", "lakeside-photo", "--gateway", "stripe",
    )  # fmt: skip
    assert bad.returncode == 2 and "secret key" in bad.stderr

    good = run(
        {**env, "STRIPE_SECRET_KEY": "sk_test_123", "STRIPE_WEBHOOK_SECRET": "whsec_1"},
        "gallery", "payments", "lakeside-photo", "--gateway", "stripe",
    )  # fmt: skip
    assert good.returncode == 0, good.stderr
    assert "/s/lakeside-photo/payments/stripe/webhook/" in good.stdout
    assert "sk_test_123" not in good.stdout + good.stderr
    shown = run(
        env,
        "manage",
        "shell",
        "-c",
        "from proofroom.gallery.tenants import Studio\n"
        "s = Studio.objects.get(slug='lakeside-photo')\n"
        "print(s.payment_gateway, s.stripe_secret_key)",
    )
    assert shown.stdout.strip().splitlines()[-1] == "stripe sk_test_123"

    manual = run(env, "gallery", "payments", "lakeside-photo", "--gateway", "manual")
    assert manual.returncode == 0 and "placed unpaid" in manual.stdout
