"""Schemathesis hooks for scripts/contract-test.sh (loaded through SCHEMATHESIS_HOOKS).

1. `refused_only_on_the_data`: what a schema-valid request may be refused for.

   Some rules depend on data the document cannot know: a purpose must name data items that
   exist, a notice purposes that exist, a consent must answer for exactly the purposes of a
   published notice version, a re-consent deadline must be in the future... A request can fit
   every schema and still break one of them, and the server then answers 422 with the rule's
   stable `code`. schemathesis.toml lets those operations answer 422 to schema-valid requests
   (positive_data_acceptance); this check holds each such 422 to the codes listed here for the
   operation, so a rule the document does not state (a missing length, pattern or enum) still
   fails the run. The same codes are documented on the operations' 422 responses.

2. `before_call`: integral numbers are written as integers. JSON Schema's `integer` holds 378.0
   as well as 378 (the same number), and Schemathesis sends both; the server reads JSON with
   serde, which takes an integer field only written as an integer (378.0 is refused, 422
   `invalid_body`). No schema can tell the two spellings apart, so the hook writes every integral
   float in a body or query as an integer: the value is the one generated, only its spelling
   changes. docs/api.md states the rule for clients.

   Also in `before_call`: a principal's id is at most 256 bytes of UTF-8, which JSON Schema
   cannot state (its `maxLength` counts characters: the document says 256 characters and the
   byte limit in words). A schema-valid id drawn longer than 256 bytes is cut to fit, on a
   character boundary: it stays schema-valid. Only requests meant to be valid are touched.

3. A work-around for CPython 3.11.7 (the version on this project's machines): `ast.parse` can
   raise `SystemError: AST constructor recursion depth mismatch` (fixed in CPython 3.11.8,
   gh-106905) when Hypothesis parses a module to describe a lambda for a strategy's repr. The
   description is cosmetic; without the work-around Schemathesis reports a runtime error on
   whichever operation first draws such a strategy.
"""

import json

import schemathesis

# Per operation: the 422 codes a schema-valid request can get because of data the document
# cannot describe (existence of other resources, cross-field rules, the clock, earlier requests).
_IDEMPOTENCY = {"idempotency_key_reused"}
_SHOWN = {
    # The notice version and language a grant or renewal states must exist and be published.
    "notice_version_not_published",
    "language_not_in_notice",
    "purpose_not_in_notice",
    "principal_action_required",
}
DATA_DEPENDENT_422 = {
    "POST /v1/purposes": {"unknown_data_item", "missing_translation", "legal_reference_required"},
    "POST /v1/notices": {"unknown_purpose", "missing_translation"},
    "PUT /v1/notices/{id}": {"unknown_purpose", "missing_translation", "code_immutable"},
    "POST /v1/notices/{id}/publish": {"invalid_reconsent"},
    "POST /v1/consents": {
        "notice_not_found",
        "notice_version_not_published",
        "language_not_in_notice",
        "unknown_purpose",
        "missing_decision",
        "guardian_required",
        "child_tracking_prohibited",
    }
    | _IDEMPOTENCY,
    "POST /v1/consents/validate": {"unknown_purpose"},
    "POST /v1/consents/{id}/update": {"unknown_purpose", "child_tracking_prohibited"} | _SHOWN | _IDEMPOTENCY,
    "POST /v1/consents/{id}/renew": {"unknown_purpose"} | _SHOWN | _IDEMPOTENCY,
    "POST /v1/consents/{id}/withdraw": {"unknown_purpose"} | _IDEMPOTENCY,
    "POST /v1/me/consents": {
        "notice_version_not_published",
        "language_not_in_notice",
        "unknown_purpose",
        "missing_decision",
        "child_tracking_prohibited",
    }
    | _IDEMPOTENCY,
    "POST /v1/me/consents/{id}/update": {"unknown_purpose", "child_tracking_prohibited"} | _SHOWN | _IDEMPOTENCY,
    "POST /v1/me/consents/{id}/renew": {"unknown_purpose"} | _SHOWN | _IDEMPOTENCY,
    "POST /v1/me/consents/{id}/withdraw": {"unknown_purpose"} | _IDEMPOTENCY,
}


def _integral_as_int(value):
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**64:
        return int(value)
    if isinstance(value, dict):
        return {k: _integral_as_int(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_integral_as_int(v) for v in value]
    return value


PRINCIPAL_ID_MAX_BYTES = 256


def _fit_bytes(text, limit):
    while len(text.encode("utf-8", "surrogatepass")) > limit:
        text = text[:-1]
    return text


def _fit_principal_ids(value):
    if isinstance(value, dict):
        return {
            k: _fit_bytes(v, PRINCIPAL_ID_MAX_BYTES)
            if k == "principal_id" and isinstance(v, str)
            else _fit_principal_ids(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_fit_principal_ids(v) for v in value]
    return value


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    if isinstance(case.body, (dict, list, float)):
        case.body = _integral_as_int(case.body)
    if isinstance(case.query, dict):
        case.query = _integral_as_int(case.query)
    if case.meta is not None and case.meta.generation.mode.is_positive:
        case.body = _fit_principal_ids(case.body)
        if isinstance(case.path_parameters, dict):
            case.path_parameters = _fit_principal_ids(case.path_parameters)


@schemathesis.check
def refused_only_on_the_data(ctx, response, case):
    """A schema-valid request answered 422 names a rule that depends on data (see above)."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return None
    allowed = DATA_DEPENDENT_422.get(f"{case.method.upper()} {case.path}")
    if allowed is None:
        # positive_data_acceptance already fails it: 422 is not expected there.
        return None
    try:
        code = json.loads(response.content).get("code")
    except (ValueError, AttributeError):
        code = None
    if code not in allowed:
        raise AssertionError(
            f"Schema-valid request refused with 422 `{code}`, which is not a data-dependent rule of "
            f"{case.method.upper()} {case.path} (allowed: {', '.join(sorted(allowed))}): the "
            "document is missing a constraint"
        )
    return None


def _work_around_cpython_ast_bug():
    try:
        from hypothesis.internal import lambda_sources
    except ImportError:  # another Hypothesis layout: nothing to patch
        return
    original = getattr(lambda_sources, "_lambda_description", None)
    if original is None or getattr(original, "_anumodan_patched", False):
        return

    def described(f, *args, **kwargs):
        try:
            return original(f, *args, **kwargs)
        except SystemError:
            return "lambda: <source not parsed>"

    described._anumodan_patched = True
    lambda_sources._lambda_description = described


_work_around_cpython_ast_bug()
