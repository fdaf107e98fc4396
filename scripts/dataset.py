#!/usr/bin/env python3
"""Writes a directory of a given size as a `gatehouse apply` file (JSON, which YAML reads as it is): users spread
over profiles and permission sets, apps granted by both. Deterministic for a given size, so runs compare.

    scripts/dataset.py --users 100000 > big.json
    gatehouse apply big.json --database sqlite:big.sqlite

Shapes (the console, API and SCIM benchmarks reuse them): user `uN` holds profile `Profile (N mod P)` and
permission sets `Set (N mod S)` and `Set ((N*7) mod S)`; profile i grants app `App (i mod A)`, set j grants
`App ((j*3) mod A)`; `App 0` is admin-approved and granted by the first tenth of the profiles too (its users are those of the profiles
and sets that grant it: about 11 % of all users, 100,000 or more at a million), the others self-authorize. `bench-app` (client credentials, run as `u1`) lets a
benchmark watch one user's change take effect on a server from the outside; `bench-cc` (client credentials for
itself, JWT) is the load that runs while the directory changes.
"""

import argparse
import json
import sys

SECRET = "bench-secret-0123456789abcdef"


def dataset(users, profiles, permission_sets, apps):
    document = {
        "profiles": [{"name": f"Profile {i}",
                      "connectedApps": sorted({f"App {i % apps}"} | ({"App 0"} if i < max(1, profiles // 10) else set()))}
                     for i in range(profiles)],
        "permissionSets": [{"name": f"Set {j}", "connectedApps": [f"App {(j * 3) % apps}"]}
                           for j in range(permission_sets)],
        "users": [
            {"username": f"u{n}", "email": f"u{n}@example.com", "profile": f"Profile {n % profiles}",
             "permissionSets": sorted({f"Set {n % permission_sets}", f"Set {(n * 7) % permission_sets}"})}
            for n in range(users)
        ],
        "connectedApps": [
            {"name": f"App {k}", "clientId": f"app-{k}", "clientSecret": SECRET,
             "callbackUrls": [f"https://app{k}.example/cb"], "scopes": ["openid", "api"],
             "grantTypes": ["authorization_code", "refresh_token"],
             "permittedUsers": "admin-approved-preauthorized" if k == 0 else "all-users-self-authorize"}
            for k in range(apps)
        ],
    }
    document["connectedApps"].append(
        {"name": "bench-app", "clientId": "bench-app", "clientSecret": SECRET, "scopes": ["api"],
         "grantTypes": ["client_credentials"], "runAsUser": "u1", "accessTokenFormat": "jwt"})
    document["connectedApps"].append(
        {"name": "bench-cc", "clientId": "bench-cc", "clientSecret": SECRET, "scopes": ["api"],
         "grantTypes": ["client_credentials"], "accessTokenFormat": "jwt"})
    return document


def parts(document, users_per_part=100_000):
    """The document as several `apply` files: the shared part (profiles, permission sets, apps) first, then the users
    in slices. `apply` only adds and changes, so applying them in order builds the same directory, and each costs
    what its own slice costs whatever the directory already holds."""
    shared = {key: value for key, value in document.items() if key != "users"}
    users = document["users"]
    slices = [{"users": users[start:start + users_per_part]} for start in range(0, len(users), users_per_part)]
    # bench-app runs as u1: the first slice goes with the shared part, so the run-as user exists when the app does.
    if slices:
        shared["users"] = slices.pop(0)["users"]
    return [shared] + slices


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--profiles", type=int, default=100)
    parser.add_argument("--permission-sets", type=int, default=200)
    parser.add_argument("--apps", type=int, default=50)
    arguments = parser.parse_args()
    json.dump(dataset(arguments.users, arguments.profiles, arguments.permission_sets, arguments.apps), sys.stdout,
              separators=(",", ":"))


if __name__ == "__main__":
    main()
