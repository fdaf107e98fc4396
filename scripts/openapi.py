#!/usr/bin/env python3
"""The admin API's OpenAPI 3.1 document, written once here and compiled into the server.

    scripts/openapi.py            # writes Sources/GatehouseServer/AdminAPI/OpenAPIDocument.swift
    scripts/openapi.py --check    # fails if that file is not what this script writes (scripts/test runs it)
    scripts/openapi.py --print    # prints the JSON document

The server serves it at GET /admin/api/openapi.json. Tests check that every route the server registers is in it and
every operation in it is routed (AdminAPIDocumentTests), validate it (openapi-spec-validator) and run Schemathesis
against it (Tests/e2e/test_admin_api_schema.py).
"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SWIFT = ROOT / "Sources/GatehouseServer/AdminAPI/OpenAPIDocument.swift"
BASE = "/admin/api/v1"

PERMISSIONS = [
    "view-setup", "manage-users", "manage-profiles-and-permission-sets", "manage-connected-apps", "view-audit-trail",
]
GRANT_TYPES = ["authorization_code", "refresh_token", "client_credentials", "urn:ietf:params:oauth:grant-type:jwt-bearer"]


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def string(**extra):
    return {"type": "string", **extra}


def strings(**extra):
    return {"type": "array", "items": string(**extra)}


def nullable(schema):
    if "$ref" in schema:
        return {"oneOf": [schema, {"type": "null"}]}
    return {**schema, "type": [schema["type"], "null"]}


def obj(properties, required=(), closed=False):
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    if closed:
        schema["additionalProperties"] = False
    return schema


def patch(fields, clearable):
    """A JSON merge patch (RFC 7396) of `fields`: null removes a member, allowed where removing means empty."""
    return obj({name: nullable(schema) if name in clearable else schema for name, schema in fields.items()},
               closed=True)


def entity(fields, required):
    """An entity: its id and version (the ETag) beside the config contract's fields."""
    return obj({"id": string(), "version": {"type": "integer"}, **fields}, ["id", "version", *required])


USER_FIELDS = {
    "username": string(minLength=1),
    "email": string(),
    "displayName": string(),
    "password": string(description="In clear, checked against the password rules and stored only as a slow hash."),
    "profile": string(description="The profile's name."),
    "permissionSets": strings(description="Permission set names; a list given replaces the list."),
    "active": {"type": "boolean"},
}
BUNDLE_FIELDS = {
    "name": string(minLength=1),
    "adminPermissions": {"type": "array", "items": string(enum=PERMISSIONS)},
    "connectedApps": strings(description="App names; a list given replaces the list."),
}
DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
LOGIN_HOURS = obj(
    {"timeZone": string(description="A time zone of the tz database: Europe/Paris, UTC."),
     **{day: string(description="HH:MM-HH:MM, or several separated by commas; a day left out allows no sign-in.")
        for day in DAYS}},
    ["timeZone"], closed=True)
IP_RANGES = strings(description="IPv4 or IPv6 addresses and CIDR blocks: 10.0.0.0/8, 2001:db8::/32.")
PROFILE_FIELDS = {
    **BUNDLE_FIELDS,
    "loginIpRanges": {**IP_RANGES, "description": "The addresses the profile's users may sign in from; empty: any."},
    "loginHours": nullable({**LOGIN_HOURS, "description": "When the profile's users may sign in; null: any time."}),
    "requireSecondFactor": {"type": "boolean",
                            "description": "Whether the profile's users must sign in with a second factor; one "
                                           "without sets up an authenticator app while signing in."},
}
APP_FIELDS = {
    "name": string(minLength=1),
    "clientId": string(minLength=1),
    "public": {"type": "boolean"},
    "callbackUrls": strings(),
    "scopes": strings(),
    "grantTypes": {"type": "array", "items": string(enum=GRANT_TYPES)},
    "permittedUsers": string(enum=["all-users-self-authorize", "admin-approved-preauthorized"]),
    "refreshTokenPolicy": string(description="valid-until-revoked, immediately-expire, expire-after-inactivity:30d, "
                                 "expire-after:30d"),
    "refreshTokenRotation": {"type": "boolean"},
    "runAsUser": {"type": ["string", "null"], "description": "A username; null: tokens act for the app itself."},
    "accessTokenFormat": string(enum=["jwt", "opaque"]),
    "accessTokenLifetime": string(description="A duration: 300s, 15m, 12h, 1d."),
    "idTokenLifetime": string(description="A duration: 300s, 15m, 12h, 1d."),
    "sessionTimeout": {"type": ["string", "null"],
                       "description": "A duration (1m to 30d): an authorize this long after the user signed in needs "
                                      "a fresh sign-in, as max_age asks. null: as long as the session lasts."},
    "customAttributes": {"type": "array", "maxItems": 20, "items": obj(
        {"name": string(minLength=1, maxLength=64, description="A claim name Gatehouse does not set itself."),
         "value": string(maxLength=500, description="A text, the same for every user."),
         "field": string(enum=["username", "email", "displayName", "profile", "permissionSets"],
                         description="A field of the user (permissionSets: a list of names); username and "
                                     "displayName need the profile scope, email the email scope.")},
        ["name"], closed=True), "description": "Extra claims of the app's ID tokens, JWT access tokens and userinfo: "
                                               "each a value or a field, not both."},
    "highAssurance": string(enum=["none", "raise-session-level", "block"],
                            description="Whether signing in to the app takes a second factor, and whether a session "
                                        "with a password alone is stepped up (raise-session-level) or refused "
                                        "(block)."),
    "requirePkce": {"type": "boolean"},
    "blocked": {"type": "boolean"},
    "enforcement": string(enum=["enforce", "report-only"]),
    "ipRelaxation": string(enum=["enforce", "enforce-relax-refresh", "relax"],
                           description="How the profiles' login IP ranges apply to this app."),
    "trustedIpRanges": {**IP_RANGES, "description": "Addresses that pass the IP check for this app."},
    "assertionKeys": strings(description="PEM or JWK public keys that sign the app's JWT bearer assertions."),
    "introspectAllTokens": {"type": "boolean"},
}

SCHEMAS = {
    "Problem": obj(
        {
            "type": string(), "title": string(), "status": {"type": "integer"}, "detail": string(), "traceId": string(),
            "reason": string(description="admin_permission_missing, insufficient_scope, no_acting_user, or the access "
                                         "decision's reason for a refused token (docs/errors.md)"),
            "permission": string(enum=PERMISSIONS),
            "errors": {"type": "array", "items": obj({"path": string(), "message": string()}, ["path", "message"])},
        },
        ["type", "title", "status", "detail", "traceId"]),
    "User": entity(
        {
            "username": string(), "email": string(), "displayName": string(), "active": {"type": "boolean"},
            "hasPassword": {"type": "boolean"}, "profile": string(), "permissionSets": strings(),
            "adminPermissions": {"type": "array", "items": string(enum=PERMISSIONS)},
        },
        ["username", "email", "displayName", "active", "hasPassword", "profile", "permissionSets", "adminPermissions"]),
    "NewUser": obj(USER_FIELDS, ["username", "email", "profile"], closed=True),
    "UserPatch": patch(USER_FIELDS, ["displayName", "permissionSets"]),
    "Bundle": entity(
        {"name": string(), "builtIn": {"type": "boolean"},
         "adminPermissions": {"type": "array", "items": string(enum=PERMISSIONS)}, "connectedApps": strings(),
         "userCount": {"type": "integer", "minimum": 0,
                       "description": "How many users hold it (a profile: as their profile; a permission set: "
                                      "assigned). In reads and listings; not in a change's item."}},
        ["name", "builtIn", "adminPermissions", "connectedApps"]),
    "NewBundle": obj(BUNDLE_FIELDS, ["name"], closed=True),
    "BundlePatch": patch(BUNDLE_FIELDS, ["adminPermissions", "connectedApps"]),
    "Profile": entity(
        {"name": string(), "builtIn": {"type": "boolean"},
         "adminPermissions": {"type": "array", "items": string(enum=PERMISSIONS)}, "connectedApps": strings(),
         "loginIpRanges": IP_RANGES,
         "loginHours": {**LOGIN_HOURS, "description": "Left out when the profile's users may sign in at any time."},
         "requireSecondFactor": {"type": "boolean"},
         "userCount": {"type": "integer", "minimum": 0,
                       "description": "How many users hold it as their profile. In reads and listings; not in a "
                                      "change's item."}},
        ["name", "builtIn", "adminPermissions", "connectedApps", "loginIpRanges", "requireSecondFactor"]),
    "NewProfile": obj(PROFILE_FIELDS, ["name"], closed=True),
    "ProfilePatch": patch(PROFILE_FIELDS, ["adminPermissions", "connectedApps", "loginIpRanges"]),
    "App": entity(
        {
            "name": string(), "clientId": string(), "secretIds": strings(), "public": {"type": "boolean"},
            "callbackUrls": strings(), "scopes": strings(), "grantTypes": strings(), "permittedUsers": string(),
            "refreshTokenPolicy": string(), "refreshTokenRotation": {"type": "boolean"}, "runAsUser": string(),
            "accessTokenFormat": string(), "accessTokenLifetime": string(), "idTokenLifetime": string(),
            "sessionTimeout": string(description="A duration; absent when the app has none."),
            "highAssurance": string(enum=["none", "raise-session-level", "block"]),
            "customAttributes": {"type": "array", "items": obj(
                {"name": string(), "value": string(), "field": string()}, ["name"])},
            "requirePkce": {"type": "boolean"}, "blocked": {"type": "boolean"}, "enforcement": string(),
            "ipRelaxation": string(), "trustedIpRanges": strings(),
            "assertionKeys": {"type": "integer", "description": "How many assertion keys are registered."},
            "tokensNotBefore": string(format="date-time"), "introspectAllTokens": {"type": "boolean"},
            "builtIn": {"type": "boolean", "description": "Made by Gatehouse (the admin console): it cannot be deleted, "
                                                          "and its clientId, public, callbackUrls, grantTypes, scopes, "
                                                          "requirePkce, runAsUser, assertionKeys and "
                                                          "introspectAllTokens are Gatehouse's to set."},
            "grantedBy": strings(description="The profiles and permission sets that grant the app."),
        },
        ["name", "clientId", "secretIds", "public", "callbackUrls", "scopes", "grantTypes", "permittedUsers",
         "refreshTokenPolicy", "refreshTokenRotation", "accessTokenFormat", "accessTokenLifetime", "idTokenLifetime",
         "highAssurance", "requirePkce", "blocked", "enforcement", "ipRelaxation", "trustedIpRanges", "assertionKeys",
         "introspectAllTokens", "builtIn", "grantedBy"]),
    "NewApp": obj(APP_FIELDS, ["name"], closed=True),
    "AppPatch": patch(APP_FIELDS, ["callbackUrls", "assertionKeys", "trustedIpRanges", "customAttributes"]),
    "Impact": obj(
        {
            "losses": {"type": "array", "items": obj(
                {"user": string(), "app": string(), "reason": string(), "liveGrants": {"type": "integer"}},
                ["user", "app", "reason", "liveGrants"])},
            "usersLosingAccess": {"type": "integer"},
            "liveGrantsEnding": {"type": "integer"},
            "signInReplay": obj(
                {
                    "since": string(format="date-time", description="The start of the login history replayed."),
                    "signIns": {"type": "integer", "description": "The allowed sign-ins on record since then (the latest 20,000 at most)."},
                    "refused": {"type": "array", "items": obj(
                        {"user": string(), "app": string(), "reason": string(enum=["ip_restricted", "outside_login_hours"]),
                         "signIns": {"type": "integer"}, "lastAt": string(format="date-time"), "lastClientIP": string()},
                        ["user", "app", "reason", "signIns", "lastAt"])},
                },
                ["since", "signIns", "refused"]) | dict(
                description="Present when the change can narrow where or when users sign in (login IP ranges or hours "
                "of a profile, IP relaxation or trusted ranges of an app, a user's profile): the sign-ins of the last 30 "
                "days decided again under the restrictions after it. Users who lose access altogether are in losses."),
            "highAssurance": {"type": "array", "items": obj(
                {"app": string(), "highAssurance": string(enum=["raise-session-level", "block"]),
                 "grantsWithoutSecondFactor": {"type": "integer", "minimum": 0,
                                               "description": "Live grants made without a second factor: their "
                                                              "refresh tokens stop working."},
                 "refusedGrantTypes": strings(description="client_credentials and the JWT bearer grant, where "
                                                          "enabled: refused from now on.")},
                ["app", "highAssurance", "grantsWithoutSecondFactor", "refusedGrantTypes"]),
                "description": "The apps whose change makes them require a second factor, with what stops working."},
            "secondFactorRequired": {"type": "array", "items": obj(
                {"profile": string(),
                 "grantsWithoutSecondFactor": {"type": "integer", "minimum": 0,
                                               "description": "Live grants of the profile's users made by signing in "
                                                              "without a second factor: their refresh tokens stop "
                                                              "working."}},
                ["profile", "grantsWithoutSecondFactor"]),
                "description": "The profiles whose change makes them require a second factor of their users, with "
                               "what stops working."},
        },
        ["losses", "usersLosingAccess", "liveGrantsEnding"]),
    "Grant": obj(
        {"id": string(), "app": string(), "appId": string(), "user": string(), "userId": string(), "scopes": string(),
         "flow": string(), "createdAt": string(format="date-time"), "lastUsedAt": string(format="date-time")},
        ["id", "app", "appId", "scopes", "flow", "createdAt"]),
    "Approval": obj(
        {"userId": string(), "user": string(), "appId": string(), "app": string(), "scopes": string(),
         "approvedAt": string(format="date-time")},
        ["userId", "user", "appId", "app", "scopes", "approvedAt"]),
    "AccessRequest": obj(
        {"id": string(), "userId": string(), "user": string(), "appId": string(), "app": string(),
         "note": string(description="The user's words for the admin."),
         "state": string(enum=["pending", "approved", "declined"]), "requestedAt": string(format="date-time"),
         "decidedAt": string(format="date-time"), "decidedBy": string(),
         "decisionNote": string(description="The admin's words for the user."),
         "grantedThrough": obj({"kind": string(enum=["profile", "permission-set"]), "name": string()},
                               ["kind", "name"])},
        ["id", "userId", "user", "appId", "app", "state", "requestedAt"]),
    "AccessRequestDetails": obj(
        {"request": ref("AccessRequest"), "explanation": ref("Explanation"),
         "options": {"type": "array", "items": obj(
             {"kind": string(enum=["profile", "permission-set"]), "name": string(),
              "change": string(description="What approving through it changes."),
              "alsoGives": strings(description="What else it gives the user, or who else gains the app."),
              "exists": {"type": "boolean", "description": "The grant exists already: only the request changes."}},
             ["kind", "name", "change", "alsoGives", "exists"])}},
        ["request", "explanation", "options"]),
    "AccessRequestApproval": obj(
        {"profile": string(description="The user's own profile: the app is enabled on it."),
         "permissionSet": string(description="A permission set that grants the app: assigned to the user.")},
        closed=True),
    "AccessRequestDecline": obj({"note": string(description="Why, for the user.")}, closed=True),
    "AccessRequestDecision": obj({"changes": strings(), "item": ref("AccessRequest")}, ["changes", "item"]),
    "Check": obj({"name": string(), "passed": {"type": "boolean"}, "detail": string()}, ["name", "passed", "detail"]),
    "Explanation": obj(
        {
            "user": string(), "app": string(), "allowed": {"type": "boolean"}, "reason": string(),
            "description": string(), "checks": {"type": "array", "items": ref("Check")},
            "remedies": {"type": "array", "items": obj(
                {"description": string(), "command": string(description="The CLI command that makes the change.")},
                ["description"])},
            "summary": string(),
        },
        ["user", "app", "allowed", "checks", "remedies", "summary"]),
    "LoginEvent": obj(
        {"time": string(format="date-time"), "traceId": string(), "user": string(), "app": string(), "flow": string(),
         "result": string(enum=["allowed", "refused", "would_refuse"]), "reason": string(), "description": string(),
         "clientIp": string(), "checks": {"type": "array", "items": ref("Check")}},
        ["time", "traceId", "flow", "result"]),
    "LoginEventDetails": obj(
        {"event": ref("LoginEvent"), "now": ref("Explanation")}, ["event"]),
    "AuditEvent": obj(
        {"id": {"type": "integer"}, "occurredAt": string(format="date-time"), "actor": string(), "action": string(),
         "targetType": string(), "target": string(),
         "before": string(description="JSON of the target before the change; never a secret or a hash."),
         "after": string(description="JSON of the target after the change; never a secret or a hash."),
         "sourceIP": string()},
        ["occurredAt", "actor", "action", "targetType", "target"]),
    "SigningKey": obj(
        {"kid": string(), "algorithm": string(enum=["RS256", "ES256"]), "createdAt": string(format="date-time"),
         "activatesAt": string(format="date-time"), "retiredAt": string(format="date-time"),
         "expiresAt": string(format="date-time"), "state": string(enum=["signing", "published", "retired", "expired"])},
        ["kid", "algorithm", "createdAt", "activatesAt", "state"]),
    "Keys": obj({"items": {"type": "array", "items": ref("SigningKey")}}, ["items"]),
    "Unlocked": obj({"user": string(), "failedSignInsCleared": {"type": "integer"}}, ["user", "failedSignInsCleared"]),
    "SecondFactorsReset": obj({"user": string(), "secondFactorsRemoved": {"type": "integer", "minimum": 0}},
                              ["user", "secondFactorsRemoved"]),
    "Revoked": obj({"dryRun": {"type": "boolean"},
                    "revoked": {"type": "integer", "description": "Grants ended (in a dry run: that would end)."}},
                   ["dryRun", "revoked"]),
    "ConfigDocument": {
        "type": "object",
        "description": "The config-as-code document `gatehouse apply` reads (docs/configuration.md).",
        "properties": {
            # null: none (a YAML key left empty); JSON may give null too.
            "profiles": {"type": ["array", "null"], "items": {"type": "object"}},
            "permissionSets": {"type": ["array", "null"], "items": {"type": "object"}},
            "users": {"type": ["array", "null"], "items": {"type": "object"}},
            "connectedApps": {"type": ["array", "null"], "items": {"type": "object"}},
        },
    },
}


def page(item):
    return obj({"items": {"type": "array", "items": ref(item)}, "next": {"type": ["string", "null"]}},
               ["items", "next"])


def change(item):
    """What a change did or would do: its sentences, who loses access, the entity as it leaves it."""
    return obj(
        {
            "dryRun": {"type": "boolean"}, "changes": strings(), "impact": ref("Impact"),
            "item": nullable(ref(item)) if item else {"type": "null"},
            "clientSecret": string(description="A new client secret: shown this once, never again."),
            "generatedSecrets": {"type": "array", "items": obj(
                {"app": string(), "clientId": string(), "clientSecret": string()},
                ["app", "clientId", "clientSecret"])},
        },
        ["dryRun", "changes", "impact", "item"])


for name in ["User", "Bundle", "Profile", "App", "Grant", "Approval", "AccessRequest", "LoginEvent", "AuditEvent"]:
    SCHEMAS[f"{name}Page"] = page(name)
for name in ["User", "Bundle", "Profile", "App"]:
    SCHEMAS[f"{name}Change"] = change(name)
SCHEMAS["ConfigChange"] = change(None)


def problem(description):
    return {"description": description, "content": {"application/problem+json": {"schema": ref("Problem")}}}


COMMON_ERRORS = {
    "400": problem("A query parameter or header that cannot be read, or one the operation does not take."),
    "401": problem("No access token, or one that is invalid, expired, revoked or refused (WWW-Authenticate: Bearer)."),
    "403": problem("The token lacks the scope gatehouse.admin (insufficient_scope), acts for no user, or the acting "
                   "admin lacks the admin permission named in `permission` (admin_permission_missing)."),
    "503": problem("The database cannot be reached; retry (Retry-After)."),
}
ETAG = {"ETag": {"description": "The entity's version.", "schema": string()}}


def query(name, description, schema=None, required=False):
    return {"name": name, "in": "query", "required": required, "description": description,
            "schema": schema or string()}


def path_param(name, description):
    return {"name": name, "in": "path", "required": True, "description": description, "schema": string()}


PAGING = [
    query("limit", "Items per page: 1 to 1,000 (default 100).", {"type": "integer", "minimum": 1, "maximum": 1000}),
    query("cursor", "The `next` of the previous page."),
]
DRY_RUN = query("dryRun", "true: return what the change would do (who loses access, live grants that end) and "
                          "change nothing.", {"type": "boolean"})
IF_MATCH = {"name": "If-Match", "in": "header", "required": True,
            "description": "The ETag the entity was read at, or *. Missing: 428; stale: 412.", "schema": string()}


def json_body(schema, media=("application/json",)):
    return {"required": True, "content": {m: {"schema": ref(schema)} for m in media}}


def ok(schema, description="OK", headers=None, status="200"):
    response = {"description": description, "content": {"application/json": {"schema": ref(schema)}}}
    if headers:
        response["headers"] = headers
    return {status: response}


def operation(op_id, summary, permission, responses, parameters=(), body=None, errors=()):
    op = {
        "operationId": op_id, "summary": summary,
        "description": f"Needs the admin permission {permission}.",
        "security": [{"gatehouse": ["gatehouse.admin"]}],
        "parameters": list(parameters),
        "responses": {**responses, **COMMON_ERRORS, **{code: problem(text) for code, text in errors}},
    }
    if body:
        op["requestBody"] = body
    return op


NOT_FOUND = ("404", "No entity has this id.")
CONFLICT = ("409", "A name already taken, or a change the entity's state refuses.")
INVALID = ("422", "The body does not pass the config contract's checks: every problem in `errors`, with its path.")
PRECONDITION = [("412", "The entity changed since the ETag given."), ("428", "If-Match is missing.")]
BODY_ERRORS = [INVALID, ("413", "The body is larger than 1 MiB."), ("415", "The body is not application/json.")]


def entity_paths(collection, schema, new, patch, permission, noun, filters, tag):
    item = f"{BASE}/{collection}/{{id}}"
    ident = path_param("id", f"The {noun}'s id.")
    return {
        f"{BASE}/{collection}": {
            "get": {**operation(f"list{tag}s", f"List {noun}s, a page at a time", "view-setup",
                                ok(f"{schema}Page"), [*filters, *PAGING]), "tags": [tag]},
            "post": {**operation(f"create{tag}", f"Create a {noun}", permission,
                                 {**ok(f"{schema}Change", "Created", {"Location": {"schema": string()}, **ETAG}, "201"),
                                  **ok(f"{schema}Change", "The dry run's result")},
                                 [DRY_RUN], json_body(new), [CONFLICT, *BODY_ERRORS]), "tags": [tag]},
        },
        item: {
            "get": {**operation(f"get{tag}", f"Read a {noun}", "view-setup", ok(schema, headers=ETAG), [ident],
                                errors=[NOT_FOUND]), "tags": [tag]},
            "patch": {**operation(f"change{tag}", f"Change a {noun} (JSON merge patch: the fields named)", permission,
                                  ok(f"{schema}Change", headers=ETAG), [ident, IF_MATCH, DRY_RUN],
                                  json_body(patch, ("application/merge-patch+json", "application/json")),
                                  [NOT_FOUND, CONFLICT, *PRECONDITION, *BODY_ERRORS]), "tags": [tag]},
            "delete": {**operation(f"delete{tag}", f"Delete a {noun}", permission, ok(f"{schema}Change"),
                                   [ident, IF_MATCH, DRY_RUN], errors=[NOT_FOUND, CONFLICT, *PRECONDITION]),
                       "tags": [tag]},
        },
    }


PATHS = {}
PATHS.update(entity_paths(
    "users", "User", "NewUser", "UserPatch", "manage-users", "user",
    [query("username", "Exactly this user (regardless of case)."), query("profile", "Holders of this profile (name)."),
     query("permissionSet", "Holders of this permission set (name)."),
     query("active", "Active or inactive users only.", {"type": "boolean"})], "User"))
PATHS.update(entity_paths("profiles", "Profile", "NewProfile", "ProfilePatch", "manage-profiles-and-permission-sets",
                          "profile", [query("name", "Exactly this profile.")], "Profile"))
PATHS.update(entity_paths("permission-sets", "Bundle", "NewBundle", "BundlePatch",
                          "manage-profiles-and-permission-sets", "permission set",
                          [query("name", "Exactly this permission set.")], "PermissionSet"))
PATHS.update(entity_paths("apps", "App", "NewApp", "AppPatch", "manage-connected-apps", "connected app",
                          [query("name", "Exactly this app."), query("clientId", "The app with this client id.")],
                          "App"))
PATHS[f"{BASE}/apps"]["post"]["description"] += " A confidential app's client secret is in `clientSecret`, once."
USER_ID = path_param("id", "The user's id.")
APP_ID = path_param("id", "The app's id.")
PATHS[f"{BASE}/users/{{id}}/unlock"] = {"post": {**operation(
    "unlockUser", "Clear the failed sign-ins counted against a user", "manage-users", ok("Unlocked"), [USER_ID],
    errors=[NOT_FOUND]), "tags": ["User"]}}
PATHS[f"{BASE}/users/{{id}}/second-factors/reset"] = {"post": {**operation(
    "resetUserSecondFactors",
    "Remove every second factor and recovery code of a user, and end their browser sessions (audited)",
    "manage-users", ok("SecondFactorsReset"), [USER_ID], errors=[NOT_FOUND]), "tags": ["User"]}}
PATHS[f"{BASE}/users/{{id}}/grants"] = {
    "get": {**operation("listUserGrants", "A user's live grants", "view-setup", ok("GrantPage"), [USER_ID, *PAGING],
                        errors=[NOT_FOUND]), "tags": ["User"]},
    "delete": {**operation("revokeUserGrants", "End every grant and approval of a user", "manage-users", ok("Revoked"),
                           [USER_ID, DRY_RUN], errors=[NOT_FOUND]), "tags": ["User"]},
}
PATHS[f"{BASE}/apps/{{id}}/secrets"] = {"post": {**operation(
    "rotateAppSecret", "Add a client secret (returned once in clientSecret); the others keep working until retired",
    "manage-connected-apps", ok("AppChange", headers=ETAG), [APP_ID, IF_MATCH, DRY_RUN],
    errors=[NOT_FOUND, ("422", "A public app has no secret."), *PRECONDITION]), "tags": ["App"]}}
PATHS[f"{BASE}/apps/{{id}}/secrets/{{secretId}}"] = {"delete": {**operation(
    "retireAppSecret", "Retire one client secret (not the last)", "manage-connected-apps",
    ok("AppChange", headers=ETAG), [APP_ID, path_param("secretId", "One of the app's secretIds."), IF_MATCH, DRY_RUN],
    errors=[NOT_FOUND, CONFLICT, *PRECONDITION]), "tags": ["App"]}}
PATHS[f"{BASE}/apps/{{id}}/grants"] = {
    "get": {**operation("listAppGrants", "An app's live grants", "view-setup", ok("GrantPage"),
                        [APP_ID, query("user", "Only this user's (id)."), *PAGING], errors=[NOT_FOUND]),
            "tags": ["App"]},
    "delete": {**operation("revokeAppGrants", "End every grant of an app, or one user's (?user=id)",
                           "manage-connected-apps (one user's: manage-users or manage-connected-apps)", ok("Revoked"),
                           [APP_ID, query("user", "Only this user's (id)."), DRY_RUN], errors=[NOT_FOUND]), "tags": ["App"]},
}
PATHS[f"{BASE}/approvals"] = {"get": {**operation(
    "listApprovals", "Users' approvals of self-authorize apps", "view-setup", ok("ApprovalPage"),
    [query("user", "A username or user id."), query("app", "An app name, client id or id."), *PAGING],
    errors=[NOT_FOUND]), "tags": ["Access"]}}
FLOWS = ["authorize", "code_exchange", "refresh", "client_credentials", "jwt_bearer", "introspection", "userinfo",
         "admin_api", "admin_console"]
PATHS[f"{BASE}/access/explain"] = {"get": {**operation(
    "explainAccess", "The access decision for a user and an app now: every check, and the changes that grant access",
    "view-setup", ok("Explanation"),
    [query("user", "A username or user id.", required=True),
     query("app", "An app name, client id or id.", required=True),
     query("flow", "The flow asked about (default authorize).", string(enum=FLOWS)),
     query("ip", "The client's address, for the profile's login IP ranges; without it the IP check says what it "
                 "would check."),
     query("at", "The time asked about, ISO 8601 (default now), for the profile's login hours.",
           string(format="date-time"))], errors=[NOT_FOUND]), "tags": ["Access"]}}
REQUEST_ID = path_param("id", "The access request's id.")
DECIDED = ("409", "The request was decided already (by whom and when in `detail`).")
PATHS[f"{BASE}/access-requests"] = {"get": {**operation(
    "listAccessRequests", "Users' requests for admin-approved apps, newest first", "manage-users",
    ok("AccessRequestPage"),
    [query("state", "pending (the default), approved, declined or all.",
           string(enum=["pending", "approved", "declined", "all"])), *PAGING]), "tags": ["Access"]}}
PATHS[f"{BASE}/access-requests/{{id}}"] = {"get": {**operation(
    "getAccessRequest", "A request, why its user is refused now, and the grants that would let them in",
    "manage-users", ok("AccessRequestDetails"), [REQUEST_ID], errors=[NOT_FOUND]), "tags": ["Access"]}}
PATHS[f"{BASE}/access-requests/{{id}}/approve"] = {"post": {**operation(
    "approveAccessRequest", "Approve a pending request through the user's profile or a permission set that grants "
                            "the app; the change and the request's state are one commit", "manage-users (and, through "
    "a profile, manage-profiles-and-permission-sets)", ok("AccessRequestDecision"), [REQUEST_ID],
    json_body("AccessRequestApproval"), [NOT_FOUND, DECIDED, INVALID, ("415", "The body is not application/json.")]),
    "tags": ["Access"]}}
PATHS[f"{BASE}/access-requests/{{id}}/decline"] = {"post": {**operation(
    "declineAccessRequest", "Decline a pending request, with a note the user sees", "manage-users",
    ok("AccessRequestDecision"), [REQUEST_ID], {"required": False, "content": {"application/json": {
        "schema": ref("AccessRequestDecline")}}},
    [NOT_FOUND, DECIDED, INVALID, ("415", "The body is not application/json.")]), "tags": ["Access"]}}
TIME = "An ISO 8601 time (2026-11-30T10:00:00Z) or an age (90m, 24h, 7d)."
PATHS[f"{BASE}/login-history"] = {"get": {**operation(
    "listLoginEvents", "Login events on every flow, newest first", "view-audit-trail", ok("LoginEventPage"),
    [query("user", "A user (or attempted username)."), query("app", "An app name or client id."),
     query("result", "The result.", string(enum=["allowed", "refused", "would_refuse"])),
     query("reason", "A reason code (docs/errors.md)."), query("flow", "The flow.", string(enum=FLOWS)),
     query("since", TIME), query("until", TIME), *PAGING], errors=[NOT_FOUND]), "tags": ["Operations"]}}
PATHS[f"{BASE}/login-history/{{traceId}}"] = {"get": {**operation(
    "getLoginEvent", "The login event of a trace id, with the decision as it stands now",
    "view-audit-trail (and view-setup for the explanation)", ok("LoginEventDetails"),
    [path_param("traceId", "The trace_id of a refusal."),
     query("explain", "Include the decision as it stands now (default true).", {"type": "boolean"})],
    errors=[NOT_FOUND]), "tags": ["Operations"]}}
PATHS[f"{BASE}/audit"] = {"get": {**operation(
    "listAuditEvents", "The setup audit trail, newest first", "view-audit-trail", ok("AuditEventPage"),
    [query("actor", "Only changes by this actor."), query("target", "Only changes to this target (a name)."),
     query("targetType", "Only this kind of target.",
           string(enum=["user", "profile", "permission-set", "connected-app"])),
     query("since", TIME), *PAGING]), "tags": ["Operations"]}}
EVERY_MANAGE = "manage-users, manage-profiles-and-permission-sets and manage-connected-apps"
PATHS[f"{BASE}/keys"] = {"get": {**operation(
    "listSigningKeys", "Signing keys and their schedule (never the private keys)", EVERY_MANAGE, ok("Keys")),
    "tags": ["Operations"]}}
PATHS[f"{BASE}/keys/rotate"] = {"post": {**operation(
    "rotateSigningKeys", "Add a new signing key per algorithm, published before it signs", EVERY_MANAGE,
    ok("Keys", "Created", status="201"),
    [query("algorithm", "Only this algorithm.", string(enum=["RS256", "ES256"])),
     query("publishFor", "How long the new key is published before it signs (default 10m; 0s signs at once).")]),
    "tags": ["Operations"]}}
PATHS[f"{BASE}/config"] = {
    "get": {**operation(
        "exportConfig", "The whole directory as a config document (YAML or JSON by Accept); hashes only for an admin "
                        "with " + EVERY_MANAGE, "view-setup",
        {"200": {"description": "OK", "content": {"application/json": {"schema": ref("ConfigDocument")},
                                                  "application/yaml": {"schema": ref("ConfigDocument")}}}}),
        "tags": ["Operations"]},
    "post": {**operation(
        "applyConfig", "Apply a config document (adds and changes, never removes)", EVERY_MANAGE, ok("ConfigChange"),
        [DRY_RUN],
        {"required": True, "content": {"application/json": {"schema": ref("ConfigDocument")},
                                       "application/yaml": {"schema": ref("ConfigDocument")}}},
        [INVALID, ("413", "The body is larger than 64 MiB."), ("415", "Neither YAML nor JSON.")]),
        "tags": ["Operations"]},
}

DOCUMENT = {
    "openapi": "3.1.0",
    "info": {
        "title": "Gatehouse admin API",
        "version": "1",
        "description": "Every admin capability of Gatehouse as JSON. A request carries an access token of this "
                       "Gatehouse with the scope gatehouse.admin; the acting admin is the token's user (or the client-"
                       "credentials app's run-as user), whose profile and permission sets give the admin permissions "
                       "each operation names. Errors are RFC 9457 problem details. Changes to an existing entity need "
                       "If-Match with its ETag. Lists are paged: ?limit= and ?cursor=, answered "
                       "{\"items\": [...], \"next\": cursor | null}.",
    },
    "servers": [{"url": "/"}],
    "tags": [{"name": name} for name in
             ["User", "Profile", "PermissionSet", "App", "Access", "Operations"]],
    "paths": PATHS,
    "components": {
        "schemas": SCHEMAS,
        "securitySchemes": {
            "gatehouse": {
                "type": "oauth2",
                "description": "Access tokens of this Gatehouse (JWT or opaque) with the scope gatehouse.admin.",
                "flows": {
                    "clientCredentials": {"tokenUrl": "/token", "scopes": {"gatehouse.admin": "Administer Gatehouse"}},
                    "authorizationCode": {"authorizationUrl": "/authorize", "tokenUrl": "/token",
                                          "scopes": {"gatehouse.admin": "Administer Gatehouse"}},
                },
            }
        },
    },
}


def swift_source(text):
    return (
        "// Written by scripts/openapi.py: edit that script, then run it (scripts/test checks the two agree).\n\n"
        "/// The admin API's OpenAPI 3.1 document, served at `GET /admin/api/openapi.json`.\n"
        "enum OpenAPIDocument {\n"
        "    static let json = #\"\"\"\n"
        + "".join(f"        {line}\n" for line in text.splitlines())
        + "        \"\"\"#\n"
        "}\n"
    )


def dump(value, depth=0):
    """JSON with one line per path and per schema: readable in a diff, not thousands of lines of punctuation."""
    if depth >= 3 or not isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    pad = " " * (depth + 1)
    members = ",\n".join(f"{pad}{json.dumps(key)}: {dump(item, depth + 1)}" for key, item in value.items())
    return "{\n" + members + "\n" + " " * depth + "}"


def main():
    text = dump(DOCUMENT)
    if "--print" in sys.argv:
        print(text)
        return
    source = swift_source(text)
    if "--check" in sys.argv:
        if not SWIFT.exists() or SWIFT.read_text() != source:
            sys.exit(f"{SWIFT.relative_to(ROOT)} is not what scripts/openapi.py writes: run scripts/openapi.py")
        return
    SWIFT.write_text(source)


if __name__ == "__main__":
    main()
