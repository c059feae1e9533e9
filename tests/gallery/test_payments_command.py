"""`proofroom gallery payments`: a studio's gateway, its secrets from the environment, kept
sealed; `proofroom gallery reseal` moves them to a new secrets key."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

CLI = [sys.executable, "-m", "proofroom.cli"]
SHOW = (
    "manage",
    "shell",
    "-c",
    "from proofroom.gallery.tenants import Studio\n"
    "from proofroom.core.sealing import unseal\n"
    "s = Studio.objects.get(slug='lakeside-photo')\n"
    "print(s.payment_gateway, s.stripe_secret_key[:10], unseal(s.stripe_secret_key))",
)


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
    shown = run(env, *SHOW)
    # Stored sealed; this server's key (in its data folder) opens it.
    assert shown.stdout.strip().splitlines()[-1] == "stripe sealed:v1: sk_test_123"
    assert (tmp_path / "secrets_key").stat().st_mode & 0o777 == 0o600

    # Rotation: the new key first, the old one after; reseal; then the new key alone opens it.
    old_key = (tmp_path / "secrets_key").read_text().strip()
    new_key = Fernet.generate_key().decode()
    resealed = run({**env, "PROOFROOM_SECRETS_KEY": f"{new_key},{old_key}"}, "gallery", "reseal")
    assert resealed.returncode == 0, resealed.stderr
    assert (
        "the secrets of 1 studio(s)" in resealed.stdout and "can now be removed" in resealed.stdout
    )
    opened = run({**env, "PROOFROOM_SECRETS_KEY": new_key}, *SHOW)
    assert opened.stdout.strip().splitlines()[-1] == "stripe sealed:v1: sk_test_123"
    lost = run(
        {**env, "PROOFROOM_SECRETS_KEY": Fernet.generate_key().decode()}, "gallery", "reseal"
    )
    assert lost.returncode == 2 and "nothing was changed" in lost.stderr
    assert "sk_test_123" not in lost.stderr

    manual = run(env, "gallery", "payments", "lakeside-photo", "--gateway", "manual")
    assert manual.returncode == 0 and "placed unpaid" in manual.stdout
