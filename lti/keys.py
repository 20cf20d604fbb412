"""The tool's RSA key pairs: one per registration, published as a JWKS.

The crypto libraries are imported when a key is made or published, not when the models
load: every management command and worker would otherwise pay for them at start-up.
"""

KEY_BITS = 2048


def new_key_pair() -> tuple[str, str]:
    """A new RSA key pair as (private PEM, public PEM)."""
    from jwcrypto.jwk import JWK

    key = JWK.generate(kty="RSA", size=KEY_BITS)
    private = key.export_to_pem(private_key=True, password=None).decode()
    return private, key.export_to_pem().decode()


def public_jwk(public_pem: str) -> dict:
    """The public key as a JWK (kid = its RFC 7638 thumbprint, alg RS256, use sig)."""
    from pylti1p3.registration import Registration as LibraryRegistration

    return dict(LibraryRegistration.get_jwk(public_pem))
