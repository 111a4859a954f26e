"""Schemathesis hooks for scripts/contract-test.sh (loaded through SCHEMATHESIS_HOOKS).

1. `refused_only_on_the_data`: what a schema-valid request may be refused for.

   Some rules depend on data the document cannot know: a purpose must name data items that
   exist, a notice purposes that exist, a consent must answer for exactly the purposes of a
   published notice version, a re-consent deadline must be in the future... A request can fit
   every schema and still break one of them, and the server then answers 422 with the rule's
   stable `code`. Each such operation documents those codes on its 422 response, after the
   words "which the schemas cannot state:". schemathesis.toml lets those operations answer 422
   to schema-valid requests (positive_data_acceptance); this check holds each such 422 to the
   codes its operation documents, so a rule the document does not state (a missing length,
   pattern or enum) still fails the run.

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
   raise `SystemError: AST constructor recursion depth mismatch` (a CPython 3.11 bug in the AST
   recursion-depth check) when Hypothesis parses a module to describe a lambda for a strategy's
   repr. The
   description is cosmetic; without the work-around Schemathesis reports a runtime error on
   whichever operation first draws such a strategy.
"""

import json
import re

import schemathesis

# The 422 response of each such operation lists its data-dependent codes after this phrase.
DATA_DEPENDENT_MARKER = "which the schemas cannot state:"


def data_dependent_codes(operation):
    """The codes the operation's documented 422 names as rules on other data (empty: none)."""
    raw = getattr(operation.definition, "raw", None) or {}
    description = ((raw.get("responses") or {}).get("422") or {}).get("description") or ""
    if DATA_DEPENDENT_MARKER not in description:
        return set()
    return set(re.findall(r"`([a-z_]+)`", description.split(DATA_DEPENDENT_MARKER, 1)[1]))


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
    """A schema-valid request answered 422 names a rule on other data that its operation
    documents (see above)."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return None
    allowed = data_dependent_codes(case.operation)
    try:
        code = json.loads(response.content).get("code")
    except (ValueError, AttributeError):
        code = None
    if code not in allowed:
        raise AssertionError(
            f"Schema-valid request refused with 422 `{code}`, which its operation does not document "
            f"as a rule on other data (documented: {', '.join(sorted(allowed)) or 'none'}): the "
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
