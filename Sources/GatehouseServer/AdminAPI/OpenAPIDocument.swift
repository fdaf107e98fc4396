// Written by scripts/openapi.py: edit that script, then run it (scripts/test checks the two agree).

/// The admin API's OpenAPI 3.1 document, served at `GET /admin/api/openapi.json`.
enum OpenAPIDocument {
    static let json = #"""
        {
         "openapi": "3.1.0",
         "info": {
          "title": "Gatehouse admin API",
          "version": "1",
          "description": "Every admin capability of Gatehouse as JSON. A request carries an access token of this Gatehouse with the scope gatehouse.admin; the acting admin is the token's user (or the client-credentials app's run-as user), whose profile and permission sets give the admin permissions each operation names. Errors are RFC 9457 problem details. Changes to an existing entity need If-Match with its ETag. Lists are paged: ?limit= and ?cursor=, answered {\"items\": [...], \"next\": cursor | null}."
         },
         "servers": [
          {
           "url": "/"
          }
         ],
         "tags": [
          {
           "name": "User"
          },
          {
           "name": "Profile"
          },
          {
           "name": "PermissionSet"
          },
          {
           "name": "App"
          },
          {
           "name": "Access"
          },
          {
           "name": "Operations"
          }
         ],
         "paths": {
          "/admin/api/v1/users": {
           "get": {
            "operationId": "listUsers",
            "summary": "List users, a page at a time",
            "description": "Needs the admin permission view-setup.",
            "security": [
             {
              "gatehouse": [
               "gatehouse.admin"
              ]
             }
            ],
            "parameters": [
             {
              "name": "username",
              "in": "query",
              "required": false,
              "description": "Exactly this user (regardless of case).",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "profile",
              "in": "query",
              "required": false,
              "description": "Holders of this profile (name).",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "permissionSet",
              "in": "query",
              "required": false,
              "description": "Holders of this permission set (name).",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "active",
              "in": "query",
              "required": false,
              "description": "Active or inactive users only.",
              "schema": {
               "type": "boolean"
              }
             },
             {
              "name": "limit",
              "in": "query",
              "required": false,
              "description": "Items per page: 1 to 1,000 (default 100).",
              "schema": {
               "type": "integer",
               "minimum": 1,
               "maximum": 1000
              }
             },
             {
              "name": "cursor",
              "in": "query",
              "required": false,
              "description": "The `next` of the previous page.",
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "200": {
              "description": "OK",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/UserPage"
                }
               }
              }
             },
             "400": {
              "description": "A query parameter or header that cannot be read, or one the operation does not take.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "401": {
              "description": "No access token, or one that is invalid, expired, revoked or refused (WWW-Authenticate: Bearer).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "403": {
              "description": "The token lacks the scope gatehouse.admin (insufficient_scope), acts for no user, or the acting admin lacks the admin permission named in `permission` (admin_permission_missing).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "503": {
              "description": "The database cannot be reached; retry (Retry-After).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             }
            },
            "tags": [
             "User"
            ]
           },
           "post": {
            "operationId": "createUser",
            "summary": "Create a user",
            "description": "Needs the admin permission manage-users.",
            "security": [
             {
              "gatehouse": [
               "gatehouse.admin"
              ]
             }
            ],
            "parameters": [
             {
              "name": "dryRun",
              "in": "query",
              "required": false,
              "description": "true: return what the change would do (who loses access, live grants that end) and change nothing.",
              "schema": {
               "type": "boolean"
              }
             }
            ],
            "responses": {
             "201": {
              "description": "Created",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/UserChange"
                }
               }
              },
              "headers": {
               "Location": {
                "schema": {
                 "type": "string"
                }
               },
               "ETag": {
                "description": "The entity's version.",
                "schema": {
                 "type": "string"
                }
               }
              }
             },
             "200": {
              "description": "The dry run's result",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/UserChange"
                }
               }
              }
             },
             "400": {
              "description": "A query parameter or header that cannot be read, or one the operation does not take.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "401": {
              "description": "No access token, or one that is invalid, expired, revoked or refused (WWW-Authenticate: Bearer).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "403": {
              "description": "The token lacks the scope gatehouse.admin (insufficient_scope), acts for no user, or the acting admin lacks the admin permission named in `permission` (admin_permission_missing).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "503": {
              "description": "The database cannot be reached; retry (Retry-After).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "409": {
              "description": "A name already taken, or a change the entity's state refuses.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "422": {
              "description": "The body does not pass the config contract's checks: every problem in `errors`, with its path.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "413": {
              "description": "The body is larger than 1 MiB.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "415": {
              "description": "The body is not application/json.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             }
            },
            "requestBody": {
             "required": true,
             "content": {
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/NewUser"
               }
              }
             }
            },
            "tags": [
             "User"
            ]
           }
          },
          "/admin/api/v1/users/{id}": {
           "get": {
            "operationId": "getUser",
            "summary": "Read a user",
            "description": "Needs the admin permission view-setup.",
            "security": [
             {
              "gatehouse": [
               "gatehouse.admin"
              ]
             }
            ],
            "parameters": [
             {
              "name": "id",
              "in": "path",
              "required": true,
              "description": "The user's id.",
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "200": {
              "description": "OK",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/User"
                }
               }
              },
              "headers": {
               "ETag": {
                "description": "The entity's version.",
                "schema": {
                 "type": "string"
                }
               }
              }
             },
             "400": {
              "description": "A query parameter or header that cannot be read, or one the operation does not take.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "401": {
              "description": "No access token, or one that is invalid, expired, revoked or refused (WWW-Authenticate: Bearer).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "403": {
              "description": "The token lacks the scope gatehouse.admin (insufficient_scope), acts for no user, or the acting admin lacks the admin permission named in `permission` (admin_permission_missing).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "503": {
              "description": "The database cannot be reached; retry (Retry-After).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "404": {
              "description": "No entity has this id.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             }
            },
            "tags": [
             "User"
            ]
           },
           "patch": {
            "operationId": "changeUser",
            "summary": "Change a user (JSON merge patch: the fields named)",
            "description": "Needs the admin permission manage-users.",
            "security": [
             {
              "gatehouse": [
               "gatehouse.admin"
              ]
             }
            ],
            "parameters": [
             {
              "name": "id",
              "in": "path",
              "required": true,
              "description": "The user's id.",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "If-Match",
              "in": "header",
              "required": true,
              "description": "The ETag the entity was read at, or *. Missing: 428; stale: 412.",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "dryRun",
              "in": "query",
              "required": false,
              "description": "true: return what the change would do (who loses access, live grants that end) and change nothing.",
              "schema": {
               "type": "boolean"
              }
             }
            ],
            "responses": {
             "200": {
              "description": "OK",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/UserChange"
                }
               }
              },
              "headers": {
               "ETag": {
                "description": "The entity's version.",
                "schema": {
                 "type": "string"
                }
               }
              }
             },
             "400": {
              "description": "A query parameter or header that cannot be read, or one the operation does not take.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "401": {
              "description": "No access token, or one that is invalid, expired, revoked or refused (WWW-Authenticate: Bearer).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "403": {
              "description": "The token lacks the scope gatehouse.admin (insufficient_scope), acts for no user, or the acting admin lacks the admin permission named in `permission` (admin_permission_missing).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "503": {
              "description": "The database cannot be reached; retry (Retry-After).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "404": {
              "description": "No entity has this id.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "409": {
              "description": "A name already taken, or a change the entity's state refuses.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "412": {
              "description": "The entity changed since the ETag given.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "428": {
              "description": "If-Match is missing.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "422": {
              "description": "The body does not pass the config contract's checks: every problem in `errors`, with its path.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "413": {
              "description": "The body is larger than 1 MiB.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "415": {
              "description": "The body is not application/json.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             }
            },
            "requestBody": {
             "required": true,
             "content": {
              "application/merge-patch+json": {
               "schema": {
                "$ref": "#/components/schemas/UserPatch"
               }
              },
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/UserPatch"
               }
              }
             }
            },
            "tags": [
             "User"
            ]
           },
           "delete": {
            "operationId": "deleteUser",
            "summary": "Delete a user",
            "description": "Needs the admin permission manage-users.",
            "security": [
             {
              "gatehouse": [
               "gatehouse.admin"
              ]
             }
            ],
            "parameters": [
             {
              "name": "id",
              "in": "path",
              "required": true,
              "description": "The user's id.",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "If-Match",
              "in": "header",
              "required": true,
              "description": "The ETag the entity was read at, or *. Missing: 428; stale: 412.",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "dryRun",
              "in": "query",
              "required": false,
              "description": "true: return what the change would do (who loses access, live grants that end) and change nothing.",
              "schema": {
               "type": "boolean"
              }
             }
            ],
            "responses": {
             "200": {
              "description": "OK",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/UserChange"
                }
               }
              }
             },
             "400": {
              "description": "A query parameter or header that cannot be read, or one the operation does not take.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "401": {
              "description": "No access token, or one that is invalid, expired, revoked or refused (WWW-Authenticate: Bearer).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "403": {
              "description": "The token lacks the scope gatehouse.admin (insufficient_scope), acts for no user, or the acting admin lacks the admin permission named in `permission` (admin_permission_missing).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "503": {
              "description": "The database cannot be reached; retry (Retry-After).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "404": {
              "description": "No entity has this id.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "409": {
              "description": "A name already taken, or a change the entity's state refuses.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "412": {
              "description": "The entity changed since the ETag given.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "428": {
              "description": "If-Match is missing.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             }
            },
            "tags": [
             "User"
            ]
           }
          },
          "/admin/api/v1/profiles": {
           "get": {
            "operationId": "listProfiles",
            "summary": "List profiles, a page at a time",
            "description": "Needs the admin permission view-setup.",
            "security": [
             {
              "gatehouse": [
               "gatehouse.admin"
              ]
             }
            ],
            "parameters": [
             {
              "name": "name",
              "in": "query",
              "required": false,
              "description": "Exactly this profile.",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "limit",
              "in": "query",
              "required": false,
              "description": "Items per page: 1 to 1,000 (default 100).",
              "schema": {
               "type": "integer",
               "minimum": 1,
               "maximum": 1000
              }
             },
             {
              "name": "cursor",
              "in": "query",
              "required": false,
              "description": "The `next` of the previous page.",
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "200": {
              "description": "OK",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/BundlePage"
                }
               }
              }
             },
             "400": {
              "description": "A query parameter or header that cannot be read, or one the operation does not take.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "401": {
              "description": "No access token, or one that is invalid, expired, revoked or refused (WWW-Authenticate: Bearer).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "403": {
              "description": "The token lacks the scope gatehouse.admin (insufficient_scope), acts for no user, or the acting admin lacks the admin permission named in `permission` (admin_permission_missing).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "503": {
              "description": "The database cannot be reached; retry (Retry-After).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             }
            },
            "tags": [
             "Profile"
            ]
           },
           "post": {
            "operationId": "createProfile",
            "summary": "Create a profile",
            "description": "Needs the admin permission manage-profiles-and-permission-sets.",
            "security": [
             {
              "gatehouse": [
               "gatehouse.admin"
              ]
             }
            ],
            "parameters": [
             {
              "name": "dryRun",
              "in": "query",
              "required": false,
              "description": "true: return what the change would do (who loses access, live grants that end) and change nothing.",
              "schema": {
               "type": "boolean"
              }
             }
            ],
            "responses": {
             "201": {
              "description": "Created",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/BundleChange"
                }
               }
              },
              "headers": {
               "Location": {
                "schema": {
                 "type": "string"
                }
               },
               "ETag": {
                "description": "The entity's version.",
                "schema": {
                 "type": "string"
                }
               }
              }
             },
             "200": {
              "description": "The dry run's result",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/BundleChange"
                }
               }
              }
             },
             "400": {
              "description": "A query parameter or header that cannot be read, or one the operation does not take.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "401": {
              "description": "No access token, or one that is invalid, expired, revoked or refused (WWW-Authenticate: Bearer).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "403": {
              "description": "The token lacks the scope gatehouse.admin (insufficient_scope), acts for no user, or the acting admin lacks the admin permission named in `permission` (admin_permission_missing).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "503": {
              "description": "The database cannot be reached; retry (Retry-After).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "409": {
              "description": "A name already taken, or a change the entity's state refuses.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "422": {
              "description": "The body does not pass the config contract's checks: every problem in `errors`, with its path.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "413": {
              "description": "The body is larger than 1 MiB.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "415": {
              "description": "The body is not application/json.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             }
            },
            "requestBody": {
             "required": true,
             "content": {
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/NewBundle"
               }
              }
             }
            },
            "tags": [
             "Profile"
            ]
           }
          },
          "/admin/api/v1/profiles/{id}": {
           "get": {
            "operationId": "getProfile",
            "summary": "Read a profile",
            "description": "Needs the admin permission view-setup.",
            "security": [
             {
              "gatehouse": [
               "gatehouse.admin"
              ]
             }
            ],
            "parameters": [
             {
              "name": "id",
              "in": "path",
              "required": true,
              "description": "The profile's id.",
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "200": {
              "description": "OK",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Bundle"
                }
               }
              },
              "headers": {
               "ETag": {
                "description": "The entity's version.",
                "schema": {
                 "type": "string"
                }
               }
              }
             },
             "400": {
              "description": "A query parameter or header that cannot be read, or one the operation does not take.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "401": {
              "description": "No access token, or one that is invalid, expired, revoked or refused (WWW-Authenticate: Bearer).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "403": {
              "description": "The token lacks the scope gatehouse.admin (insufficient_scope), acts for no user, or the acting admin lacks the admin permission named in `permission` (admin_permission_missing).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "503": {
              "description": "The database cannot be reached; retry (Retry-After).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "404": {
              "description": "No entity has this id.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             }
            },
            "tags": [
             "Profile"
            ]
           },
           "patch": {
            "operationId": "changeProfile",
            "summary": "Change a profile (JSON merge patch: the fields named)",
            "description": "Needs the admin permission manage-profiles-and-permission-sets.",
            "security": [
             {
              "gatehouse": [
               "gatehouse.admin"
              ]
             }
            ],
            "parameters": [
             {
              "name": "id",
              "in": "path",
              "required": true,
              "description": "The profile's id.",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "If-Match",
              "in": "header",
              "required": true,
              "description": "The ETag the entity was read at, or *. Missing: 428; stale: 412.",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "dryRun",
              "in": "query",
              "required": false,
              "description": "true: return what the change would do (who loses access, live grants that end) and change nothing.",
              "schema": {
               "type": "boolean"
              }
             }
            ],
            "responses": {
             "200": {
              "description": "OK",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/BundleChange"
                }
               }
              },
              "headers": {
               "ETag": {
                "description": "The entity's version.",
                "schema": {
                 "type": "string"
                }
               }
              }
             },
             "400": {
              "description": "A query parameter or header that cannot be read, or one the operation does not take.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "401": {
              "description": "No access token, or one that is invalid, expired, revoked or refused (WWW-Authenticate: Bearer).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "403": {
              "description": "The token lacks the scope gatehouse.admin (insufficient_scope), acts for no user, or the acting admin lacks the admin permission named in `permission` (admin_permission_missing).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "503": {
              "description": "The database cannot be reached; retry (Retry-After).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "404": {
              "description": "No entity has this id.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "409": {
              "description": "A name already taken, or a change the entity's state refuses.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "412": {
              "description": "The entity changed since the ETag given.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "428": {
              "description": "If-Match is missing.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "422": {
              "description": "The body does not pass the config contract's checks: every problem in `errors`, with its path.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "413": {
              "description": "The body is larger than 1 MiB.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "415": {
              "description": "The body is not application/json.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             }
            },
            "requestBody": {
             "required": true,
             "content": {
              "application/merge-patch+json": {
               "schema": {
                "$ref": "#/components/schemas/BundlePatch"
               }
              },
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/BundlePatch"
               }
              }
             }
            },
            "tags": [
             "Profile"
            ]
           },
           "delete": {
            "operationId": "deleteProfile",
            "summary": "Delete a profile",
            "description": "Needs the admin permission manage-profiles-and-permission-sets.",
            "security": [
             {
              "gatehouse": [
               "gatehouse.admin"
              ]
             }
            ],
            "parameters": [
             {
              "name": "id",
              "in": "path",
              "required": true,
              "description": "The profile's id.",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "If-Match",
              "in": "header",
              "required": true,
              "description": "The ETag the entity was read at, or *. Missing: 428; stale: 412.",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "dryRun",
              "in": "query",
              "required": false,
              "description": "true: return what the change would do (who loses access, live grants that end) and change nothing.",
              "schema": {
               "type": "boolean"
              }
             }
            ],
            "responses": {
             "200": {
              "description": "OK",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/BundleChange"
                }
               }
              }
             },
             "400": {
              "description": "A query parameter or header that cannot be read, or one the operation does not take.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "401": {
              "description": "No access token, or one that is invalid, expired, revoked or refused (WWW-Authenticate: Bearer).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "403": {
              "description": "The token lacks the scope gatehouse.admin (insufficient_scope), acts for no user, or the acting admin lacks the admin permission named in `permission` (admin_permission_missing).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "503": {
              "description": "The database cannot be reached; retry (Retry-After).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "404": {
              "description": "No entity has this id.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "409": {
              "description": "A name already taken, or a change the entity's state refuses.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "412": {
              "description": "The entity changed since the ETag given.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "428": {
              "description": "If-Match is missing.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             }
            },
            "tags": [
             "Profile"
            ]
           }
          },
          "/admin/api/v1/permission-sets": {
           "get": {
            "operationId": "listPermissionSets",
            "summary": "List permission sets, a page at a time",
            "description": "Needs the admin permission view-setup.",
            "security": [
             {
              "gatehouse": [
               "gatehouse.admin"
              ]
             }
            ],
            "parameters": [
             {
              "name": "name",
              "in": "query",
              "required": false,
              "description": "Exactly this permission set.",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "limit",
              "in": "query",
              "required": false,
              "description": "Items per page: 1 to 1,000 (default 100).",
              "schema": {
               "type": "integer",
               "minimum": 1,
               "maximum": 1000
              }
             },
             {
              "name": "cursor",
              "in": "query",
              "required": false,
              "description": "The `next` of the previous page.",
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "200": {
              "description": "OK",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/BundlePage"
                }
               }
              }
             },
             "400": {
              "description": "A query parameter or header that cannot be read, or one the operation does not take.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "401": {
              "description": "No access token, or one that is invalid, expired, revoked or refused (WWW-Authenticate: Bearer).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "403": {
              "description": "The token lacks the scope gatehouse.admin (insufficient_scope), acts for no user, or the acting admin lacks the admin permission named in `permission` (admin_permission_missing).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "503": {
              "description": "The database cannot be reached; retry (Retry-After).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             }
            },
            "tags": [
             "PermissionSet"
            ]
           },
           "post": {
            "operationId": "createPermissionSet",
            "summary": "Create a permission set",
            "description": "Needs the admin permission manage-profiles-and-permission-sets.",
            "security": [
             {
              "gatehouse": [
               "gatehouse.admin"
              ]
             }
            ],
            "parameters": [
             {
              "name": "dryRun",
              "in": "query",
              "required": false,
              "description": "true: return what the change would do (who loses access, live grants that end) and change nothing.",
              "schema": {
               "type": "boolean"
              }
             }
            ],
            "responses": {
             "201": {
              "description": "Created",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/BundleChange"
                }
               }
              },
              "headers": {
               "Location": {
                "schema": {
                 "type": "string"
                }
               },
               "ETag": {
                "description": "The entity's version.",
                "schema": {
                 "type": "string"
                }
               }
              }
             },
             "200": {
              "description": "The dry run's result",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/BundleChange"
                }
               }
              }
             },
             "400": {
              "description": "A query parameter or header that cannot be read, or one the operation does not take.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "401": {
              "description": "No access token, or one that is invalid, expired, revoked or refused (WWW-Authenticate: Bearer).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "403": {
              "description": "The token lacks the scope gatehouse.admin (insufficient_scope), acts for no user, or the acting admin lacks the admin permission named in `permission` (admin_permission_missing).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "503": {
              "description": "The database cannot be reached; retry (Retry-After).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "409": {
              "description": "A name already taken, or a change the entity's state refuses.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "422": {
              "description": "The body does not pass the config contract's checks: every problem in `errors`, with its path.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "413": {
              "description": "The body is larger than 1 MiB.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "415": {
              "description": "The body is not application/json.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             }
            },
            "requestBody": {
             "required": true,
             "content": {
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/NewBundle"
               }
              }
             }
            },
            "tags": [
             "PermissionSet"
            ]
           }
          },
          "/admin/api/v1/permission-sets/{id}": {
           "get": {
            "operationId": "getPermissionSet",
            "summary": "Read a permission set",
            "description": "Needs the admin permission view-setup.",
            "security": [
             {
              "gatehouse": [
               "gatehouse.admin"
              ]
             }
            ],
            "parameters": [
             {
              "name": "id",
              "in": "path",
              "required": true,
              "description": "The permission set's id.",
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "200": {
              "description": "OK",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Bundle"
                }
               }
              },
              "headers": {
               "ETag": {
                "description": "The entity's version.",
                "schema": {
                 "type": "string"
                }
               }
              }
             },
             "400": {
              "description": "A query parameter or header that cannot be read, or one the operation does not take.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "401": {
              "description": "No access token, or one that is invalid, expired, revoked or refused (WWW-Authenticate: Bearer).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "403": {
              "description": "The token lacks the scope gatehouse.admin (insufficient_scope), acts for no user, or the acting admin lacks the admin permission named in `permission` (admin_permission_missing).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "503": {
              "description": "The database cannot be reached; retry (Retry-After).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "404": {
              "description": "No entity has this id.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             }
            },
            "tags": [
             "PermissionSet"
            ]
           },
           "patch": {
            "operationId": "changePermissionSet",
            "summary": "Change a permission set (JSON merge patch: the fields named)",
            "description": "Needs the admin permission manage-profiles-and-permission-sets.",
            "security": [
             {
              "gatehouse": [
               "gatehouse.admin"
              ]
             }
            ],
            "parameters": [
             {
              "name": "id",
              "in": "path",
              "required": true,
              "description": "The permission set's id.",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "If-Match",
              "in": "header",
              "required": true,
              "description": "The ETag the entity was read at, or *. Missing: 428; stale: 412.",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "dryRun",
              "in": "query",
              "required": false,
              "description": "true: return what the change would do (who loses access, live grants that end) and change nothing.",
              "schema": {
               "type": "boolean"
              }
             }
            ],
            "responses": {
             "200": {
              "description": "OK",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/BundleChange"
                }
               }
              },
              "headers": {
               "ETag": {
                "description": "The entity's version.",
                "schema": {
                 "type": "string"
                }
               }
              }
             },
             "400": {
              "description": "A query parameter or header that cannot be read, or one the operation does not take.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "401": {
              "description": "No access token, or one that is invalid, expired, revoked or refused (WWW-Authenticate: Bearer).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "403": {
              "description": "The token lacks the scope gatehouse.admin (insufficient_scope), acts for no user, or the acting admin lacks the admin permission named in `permission` (admin_permission_missing).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "503": {
              "description": "The database cannot be reached; retry (Retry-After).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "404": {
              "description": "No entity has this id.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "409": {
              "description": "A name already taken, or a change the entity's state refuses.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "412": {
              "description": "The entity changed since the ETag given.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "428": {
              "description": "If-Match is missing.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "422": {
              "description": "The body does not pass the config contract's checks: every problem in `errors`, with its path.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "413": {
              "description": "The body is larger than 1 MiB.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "415": {
              "description": "The body is not application/json.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             }
            },
            "requestBody": {
             "required": true,
             "content": {
              "application/merge-patch+json": {
               "schema": {
                "$ref": "#/components/schemas/BundlePatch"
               }
              },
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/BundlePatch"
               }
              }
             }
            },
            "tags": [
             "PermissionSet"
            ]
           },
           "delete": {
            "operationId": "deletePermissionSet",
            "summary": "Delete a permission set",
            "description": "Needs the admin permission manage-profiles-and-permission-sets.",
            "security": [
             {
              "gatehouse": [
               "gatehouse.admin"
              ]
             }
            ],
            "parameters": [
             {
              "name": "id",
              "in": "path",
              "required": true,
              "description": "The permission set's id.",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "If-Match",
              "in": "header",
              "required": true,
              "description": "The ETag the entity was read at, or *. Missing: 428; stale: 412.",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "dryRun",
              "in": "query",
              "required": false,
              "description": "true: return what the change would do (who loses access, live grants that end) and change nothing.",
              "schema": {
               "type": "boolean"
              }
             }
            ],
            "responses": {
             "200": {
              "description": "OK",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/BundleChange"
                }
               }
              }
             },
             "400": {
              "description": "A query parameter or header that cannot be read, or one the operation does not take.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "401": {
              "description": "No access token, or one that is invalid, expired, revoked or refused (WWW-Authenticate: Bearer).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "403": {
              "description": "The token lacks the scope gatehouse.admin (insufficient_scope), acts for no user, or the acting admin lacks the admin permission named in `permission` (admin_permission_missing).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "503": {
              "description": "The database cannot be reached; retry (Retry-After).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "404": {
              "description": "No entity has this id.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "409": {
              "description": "A name already taken, or a change the entity's state refuses.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "412": {
              "description": "The entity changed since the ETag given.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "428": {
              "description": "If-Match is missing.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             }
            },
            "tags": [
             "PermissionSet"
            ]
           }
          },
          "/admin/api/v1/apps": {
           "get": {
            "operationId": "listApps",
            "summary": "List connected apps, a page at a time",
            "description": "Needs the admin permission view-setup.",
            "security": [
             {
              "gatehouse": [
               "gatehouse.admin"
              ]
             }
            ],
            "parameters": [
             {
              "name": "name",
              "in": "query",
              "required": false,
              "description": "Exactly this app.",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "clientId",
              "in": "query",
              "required": false,
              "description": "The app with this client id.",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "limit",
              "in": "query",
              "required": false,
              "description": "Items per page: 1 to 1,000 (default 100).",
              "schema": {
               "type": "integer",
               "minimum": 1,
               "maximum": 1000
              }
             },
             {
              "name": "cursor",
              "in": "query",
              "required": false,
              "description": "The `next` of the previous page.",
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "200": {
              "description": "OK",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/AppPage"
                }
               }
              }
             },
             "400": {
              "description": "A query parameter or header that cannot be read, or one the operation does not take.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "401": {
              "description": "No access token, or one that is invalid, expired, revoked or refused (WWW-Authenticate: Bearer).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "403": {
              "description": "The token lacks the scope gatehouse.admin (insufficient_scope), acts for no user, or the acting admin lacks the admin permission named in `permission` (admin_permission_missing).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "503": {
              "description": "The database cannot be reached; retry (Retry-After).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             }
            },
            "tags": [
             "App"
            ]
           },
           "post": {
            "operationId": "createApp",
            "summary": "Create a connected app",
            "description": "Needs the admin permission manage-connected-apps. A confidential app's client secret is in `clientSecret`, once.",
            "security": [
             {
              "gatehouse": [
               "gatehouse.admin"
              ]
             }
            ],
            "parameters": [
             {
              "name": "dryRun",
              "in": "query",
              "required": false,
              "description": "true: return what the change would do (who loses access, live grants that end) and change nothing.",
              "schema": {
               "type": "boolean"
              }
             }
            ],
            "responses": {
             "201": {
              "description": "Created",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/AppChange"
                }
               }
              },
              "headers": {
               "Location": {
                "schema": {
                 "type": "string"
                }
               },
               "ETag": {
                "description": "The entity's version.",
                "schema": {
                 "type": "string"
                }
               }
              }
             },
             "200": {
              "description": "The dry run's result",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/AppChange"
                }
               }
              }
             },
             "400": {
              "description": "A query parameter or header that cannot be read, or one the operation does not take.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "401": {
              "description": "No access token, or one that is invalid, expired, revoked or refused (WWW-Authenticate: Bearer).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "403": {
              "description": "The token lacks the scope gatehouse.admin (insufficient_scope), acts for no user, or the acting admin lacks the admin permission named in `permission` (admin_permission_missing).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "503": {
              "description": "The database cannot be reached; retry (Retry-After).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "409": {
              "description": "A name already taken, or a change the entity's state refuses.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "422": {
              "description": "The body does not pass the config contract's checks: every problem in `errors`, with its path.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "413": {
              "description": "The body is larger than 1 MiB.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "415": {
              "description": "The body is not application/json.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             }
            },
            "requestBody": {
             "required": true,
             "content": {
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/NewApp"
               }
              }
             }
            },
            "tags": [
             "App"
            ]
           }
          },
          "/admin/api/v1/apps/{id}": {
           "get": {
            "operationId": "getApp",
            "summary": "Read a connected app",
            "description": "Needs the admin permission view-setup.",
            "security": [
             {
              "gatehouse": [
               "gatehouse.admin"
              ]
             }
            ],
            "parameters": [
             {
              "name": "id",
              "in": "path",
              "required": true,
              "description": "The connected app's id.",
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "200": {
              "description": "OK",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/App"
                }
               }
              },
              "headers": {
               "ETag": {
                "description": "The entity's version.",
                "schema": {
                 "type": "string"
                }
               }
              }
             },
             "400": {
              "description": "A query parameter or header that cannot be read, or one the operation does not take.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "401": {
              "description": "No access token, or one that is invalid, expired, revoked or refused (WWW-Authenticate: Bearer).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "403": {
              "description": "The token lacks the scope gatehouse.admin (insufficient_scope), acts for no user, or the acting admin lacks the admin permission named in `permission` (admin_permission_missing).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "503": {
              "description": "The database cannot be reached; retry (Retry-After).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "404": {
              "description": "No entity has this id.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             }
            },
            "tags": [
             "App"
            ]
           },
           "patch": {
            "operationId": "changeApp",
            "summary": "Change a connected app (JSON merge patch: the fields named)",
            "description": "Needs the admin permission manage-connected-apps.",
            "security": [
             {
              "gatehouse": [
               "gatehouse.admin"
              ]
             }
            ],
            "parameters": [
             {
              "name": "id",
              "in": "path",
              "required": true,
              "description": "The connected app's id.",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "If-Match",
              "in": "header",
              "required": true,
              "description": "The ETag the entity was read at, or *. Missing: 428; stale: 412.",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "dryRun",
              "in": "query",
              "required": false,
              "description": "true: return what the change would do (who loses access, live grants that end) and change nothing.",
              "schema": {
               "type": "boolean"
              }
             }
            ],
            "responses": {
             "200": {
              "description": "OK",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/AppChange"
                }
               }
              },
              "headers": {
               "ETag": {
                "description": "The entity's version.",
                "schema": {
                 "type": "string"
                }
               }
              }
             },
             "400": {
              "description": "A query parameter or header that cannot be read, or one the operation does not take.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "401": {
              "description": "No access token, or one that is invalid, expired, revoked or refused (WWW-Authenticate: Bearer).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "403": {
              "description": "The token lacks the scope gatehouse.admin (insufficient_scope), acts for no user, or the acting admin lacks the admin permission named in `permission` (admin_permission_missing).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "503": {
              "description": "The database cannot be reached; retry (Retry-After).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "404": {
              "description": "No entity has this id.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "409": {
              "description": "A name already taken, or a change the entity's state refuses.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "412": {
              "description": "The entity changed since the ETag given.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "428": {
              "description": "If-Match is missing.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "422": {
              "description": "The body does not pass the config contract's checks: every problem in `errors`, with its path.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "413": {
              "description": "The body is larger than 1 MiB.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "415": {
              "description": "The body is not application/json.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             }
            },
            "requestBody": {
             "required": true,
             "content": {
              "application/merge-patch+json": {
               "schema": {
                "$ref": "#/components/schemas/AppPatch"
               }
              },
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/AppPatch"
               }
              }
             }
            },
            "tags": [
             "App"
            ]
           },
           "delete": {
            "operationId": "deleteApp",
            "summary": "Delete a connected app",
            "description": "Needs the admin permission manage-connected-apps.",
            "security": [
             {
              "gatehouse": [
               "gatehouse.admin"
              ]
             }
            ],
            "parameters": [
             {
              "name": "id",
              "in": "path",
              "required": true,
              "description": "The connected app's id.",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "If-Match",
              "in": "header",
              "required": true,
              "description": "The ETag the entity was read at, or *. Missing: 428; stale: 412.",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "dryRun",
              "in": "query",
              "required": false,
              "description": "true: return what the change would do (who loses access, live grants that end) and change nothing.",
              "schema": {
               "type": "boolean"
              }
             }
            ],
            "responses": {
             "200": {
              "description": "OK",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/AppChange"
                }
               }
              }
             },
             "400": {
              "description": "A query parameter or header that cannot be read, or one the operation does not take.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "401": {
              "description": "No access token, or one that is invalid, expired, revoked or refused (WWW-Authenticate: Bearer).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "403": {
              "description": "The token lacks the scope gatehouse.admin (insufficient_scope), acts for no user, or the acting admin lacks the admin permission named in `permission` (admin_permission_missing).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "503": {
              "description": "The database cannot be reached; retry (Retry-After).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "404": {
              "description": "No entity has this id.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "409": {
              "description": "A name already taken, or a change the entity's state refuses.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "412": {
              "description": "The entity changed since the ETag given.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "428": {
              "description": "If-Match is missing.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             }
            },
            "tags": [
             "App"
            ]
           }
          },
          "/admin/api/v1/users/{id}/unlock": {
           "post": {
            "operationId": "unlockUser",
            "summary": "Clear the failed sign-ins counted against a user",
            "description": "Needs the admin permission manage-users.",
            "security": [
             {
              "gatehouse": [
               "gatehouse.admin"
              ]
             }
            ],
            "parameters": [
             {
              "name": "id",
              "in": "path",
              "required": true,
              "description": "The user's id.",
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "200": {
              "description": "OK",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Unlocked"
                }
               }
              }
             },
             "400": {
              "description": "A query parameter or header that cannot be read, or one the operation does not take.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "401": {
              "description": "No access token, or one that is invalid, expired, revoked or refused (WWW-Authenticate: Bearer).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "403": {
              "description": "The token lacks the scope gatehouse.admin (insufficient_scope), acts for no user, or the acting admin lacks the admin permission named in `permission` (admin_permission_missing).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "503": {
              "description": "The database cannot be reached; retry (Retry-After).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "404": {
              "description": "No entity has this id.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             }
            },
            "tags": [
             "User"
            ]
           }
          },
          "/admin/api/v1/users/{id}/grants": {
           "get": {
            "operationId": "listUserGrants",
            "summary": "A user's live grants",
            "description": "Needs the admin permission view-setup.",
            "security": [
             {
              "gatehouse": [
               "gatehouse.admin"
              ]
             }
            ],
            "parameters": [
             {
              "name": "id",
              "in": "path",
              "required": true,
              "description": "The user's id.",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "limit",
              "in": "query",
              "required": false,
              "description": "Items per page: 1 to 1,000 (default 100).",
              "schema": {
               "type": "integer",
               "minimum": 1,
               "maximum": 1000
              }
             },
             {
              "name": "cursor",
              "in": "query",
              "required": false,
              "description": "The `next` of the previous page.",
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "200": {
              "description": "OK",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/GrantPage"
                }
               }
              }
             },
             "400": {
              "description": "A query parameter or header that cannot be read, or one the operation does not take.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "401": {
              "description": "No access token, or one that is invalid, expired, revoked or refused (WWW-Authenticate: Bearer).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "403": {
              "description": "The token lacks the scope gatehouse.admin (insufficient_scope), acts for no user, or the acting admin lacks the admin permission named in `permission` (admin_permission_missing).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "503": {
              "description": "The database cannot be reached; retry (Retry-After).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "404": {
              "description": "No entity has this id.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             }
            },
            "tags": [
             "User"
            ]
           },
           "delete": {
            "operationId": "revokeUserGrants",
            "summary": "End every grant and approval of a user",
            "description": "Needs the admin permission manage-users.",
            "security": [
             {
              "gatehouse": [
               "gatehouse.admin"
              ]
             }
            ],
            "parameters": [
             {
              "name": "id",
              "in": "path",
              "required": true,
              "description": "The user's id.",
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "200": {
              "description": "OK",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Revoked"
                }
               }
              }
             },
             "400": {
              "description": "A query parameter or header that cannot be read, or one the operation does not take.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "401": {
              "description": "No access token, or one that is invalid, expired, revoked or refused (WWW-Authenticate: Bearer).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "403": {
              "description": "The token lacks the scope gatehouse.admin (insufficient_scope), acts for no user, or the acting admin lacks the admin permission named in `permission` (admin_permission_missing).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "503": {
              "description": "The database cannot be reached; retry (Retry-After).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "404": {
              "description": "No entity has this id.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             }
            },
            "tags": [
             "User"
            ]
           }
          },
          "/admin/api/v1/apps/{id}/secrets": {
           "post": {
            "operationId": "rotateAppSecret",
            "summary": "Add a client secret (returned once in clientSecret); the others keep working until retired",
            "description": "Needs the admin permission manage-connected-apps.",
            "security": [
             {
              "gatehouse": [
               "gatehouse.admin"
              ]
             }
            ],
            "parameters": [
             {
              "name": "id",
              "in": "path",
              "required": true,
              "description": "The app's id.",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "If-Match",
              "in": "header",
              "required": true,
              "description": "The ETag the entity was read at, or *. Missing: 428; stale: 412.",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "dryRun",
              "in": "query",
              "required": false,
              "description": "true: return what the change would do (who loses access, live grants that end) and change nothing.",
              "schema": {
               "type": "boolean"
              }
             }
            ],
            "responses": {
             "200": {
              "description": "OK",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/AppChange"
                }
               }
              },
              "headers": {
               "ETag": {
                "description": "The entity's version.",
                "schema": {
                 "type": "string"
                }
               }
              }
             },
             "400": {
              "description": "A query parameter or header that cannot be read, or one the operation does not take.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "401": {
              "description": "No access token, or one that is invalid, expired, revoked or refused (WWW-Authenticate: Bearer).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "403": {
              "description": "The token lacks the scope gatehouse.admin (insufficient_scope), acts for no user, or the acting admin lacks the admin permission named in `permission` (admin_permission_missing).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "503": {
              "description": "The database cannot be reached; retry (Retry-After).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "404": {
              "description": "No entity has this id.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "422": {
              "description": "A public app has no secret.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "412": {
              "description": "The entity changed since the ETag given.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "428": {
              "description": "If-Match is missing.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             }
            },
            "tags": [
             "App"
            ]
           }
          },
          "/admin/api/v1/apps/{id}/secrets/{secretId}": {
           "delete": {
            "operationId": "retireAppSecret",
            "summary": "Retire one client secret (not the last)",
            "description": "Needs the admin permission manage-connected-apps.",
            "security": [
             {
              "gatehouse": [
               "gatehouse.admin"
              ]
             }
            ],
            "parameters": [
             {
              "name": "id",
              "in": "path",
              "required": true,
              "description": "The app's id.",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "secretId",
              "in": "path",
              "required": true,
              "description": "One of the app's secretIds.",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "If-Match",
              "in": "header",
              "required": true,
              "description": "The ETag the entity was read at, or *. Missing: 428; stale: 412.",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "dryRun",
              "in": "query",
              "required": false,
              "description": "true: return what the change would do (who loses access, live grants that end) and change nothing.",
              "schema": {
               "type": "boolean"
              }
             }
            ],
            "responses": {
             "200": {
              "description": "OK",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/AppChange"
                }
               }
              },
              "headers": {
               "ETag": {
                "description": "The entity's version.",
                "schema": {
                 "type": "string"
                }
               }
              }
             },
             "400": {
              "description": "A query parameter or header that cannot be read, or one the operation does not take.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "401": {
              "description": "No access token, or one that is invalid, expired, revoked or refused (WWW-Authenticate: Bearer).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "403": {
              "description": "The token lacks the scope gatehouse.admin (insufficient_scope), acts for no user, or the acting admin lacks the admin permission named in `permission` (admin_permission_missing).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "503": {
              "description": "The database cannot be reached; retry (Retry-After).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "404": {
              "description": "No entity has this id.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "409": {
              "description": "A name already taken, or a change the entity's state refuses.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "412": {
              "description": "The entity changed since the ETag given.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "428": {
              "description": "If-Match is missing.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             }
            },
            "tags": [
             "App"
            ]
           }
          },
          "/admin/api/v1/apps/{id}/grants": {
           "get": {
            "operationId": "listAppGrants",
            "summary": "An app's live grants",
            "description": "Needs the admin permission view-setup.",
            "security": [
             {
              "gatehouse": [
               "gatehouse.admin"
              ]
             }
            ],
            "parameters": [
             {
              "name": "id",
              "in": "path",
              "required": true,
              "description": "The app's id.",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "user",
              "in": "query",
              "required": false,
              "description": "Only this user's (id).",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "limit",
              "in": "query",
              "required": false,
              "description": "Items per page: 1 to 1,000 (default 100).",
              "schema": {
               "type": "integer",
               "minimum": 1,
               "maximum": 1000
              }
             },
             {
              "name": "cursor",
              "in": "query",
              "required": false,
              "description": "The `next` of the previous page.",
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "200": {
              "description": "OK",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/GrantPage"
                }
               }
              }
             },
             "400": {
              "description": "A query parameter or header that cannot be read, or one the operation does not take.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "401": {
              "description": "No access token, or one that is invalid, expired, revoked or refused (WWW-Authenticate: Bearer).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "403": {
              "description": "The token lacks the scope gatehouse.admin (insufficient_scope), acts for no user, or the acting admin lacks the admin permission named in `permission` (admin_permission_missing).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "503": {
              "description": "The database cannot be reached; retry (Retry-After).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "404": {
              "description": "No entity has this id.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             }
            },
            "tags": [
             "App"
            ]
           },
           "delete": {
            "operationId": "revokeAppGrants",
            "summary": "End every grant of an app, or one user's (?user=id)",
            "description": "Needs the admin permission manage-connected-apps (one user's: manage-users or manage-connected-apps).",
            "security": [
             {
              "gatehouse": [
               "gatehouse.admin"
              ]
             }
            ],
            "parameters": [
             {
              "name": "id",
              "in": "path",
              "required": true,
              "description": "The app's id.",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "user",
              "in": "query",
              "required": false,
              "description": "Only this user's (id).",
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "200": {
              "description": "OK",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Revoked"
                }
               }
              }
             },
             "400": {
              "description": "A query parameter or header that cannot be read, or one the operation does not take.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "401": {
              "description": "No access token, or one that is invalid, expired, revoked or refused (WWW-Authenticate: Bearer).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "403": {
              "description": "The token lacks the scope gatehouse.admin (insufficient_scope), acts for no user, or the acting admin lacks the admin permission named in `permission` (admin_permission_missing).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "503": {
              "description": "The database cannot be reached; retry (Retry-After).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "404": {
              "description": "No entity has this id.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             }
            },
            "tags": [
             "App"
            ]
           }
          },
          "/admin/api/v1/approvals": {
           "get": {
            "operationId": "listApprovals",
            "summary": "Users' approvals of self-authorize apps",
            "description": "Needs the admin permission view-setup.",
            "security": [
             {
              "gatehouse": [
               "gatehouse.admin"
              ]
             }
            ],
            "parameters": [
             {
              "name": "user",
              "in": "query",
              "required": false,
              "description": "A username or user id.",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "app",
              "in": "query",
              "required": false,
              "description": "An app name, client id or id.",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "limit",
              "in": "query",
              "required": false,
              "description": "Items per page: 1 to 1,000 (default 100).",
              "schema": {
               "type": "integer",
               "minimum": 1,
               "maximum": 1000
              }
             },
             {
              "name": "cursor",
              "in": "query",
              "required": false,
              "description": "The `next` of the previous page.",
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "200": {
              "description": "OK",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/ApprovalPage"
                }
               }
              }
             },
             "400": {
              "description": "A query parameter or header that cannot be read, or one the operation does not take.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "401": {
              "description": "No access token, or one that is invalid, expired, revoked or refused (WWW-Authenticate: Bearer).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "403": {
              "description": "The token lacks the scope gatehouse.admin (insufficient_scope), acts for no user, or the acting admin lacks the admin permission named in `permission` (admin_permission_missing).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "503": {
              "description": "The database cannot be reached; retry (Retry-After).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "404": {
              "description": "No entity has this id.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             }
            },
            "tags": [
             "Access"
            ]
           }
          },
          "/admin/api/v1/access/explain": {
           "get": {
            "operationId": "explainAccess",
            "summary": "The access decision for a user and an app now: every check, and the changes that grant access",
            "description": "Needs the admin permission view-setup.",
            "security": [
             {
              "gatehouse": [
               "gatehouse.admin"
              ]
             }
            ],
            "parameters": [
             {
              "name": "user",
              "in": "query",
              "required": true,
              "description": "A username or user id.",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "app",
              "in": "query",
              "required": true,
              "description": "An app name, client id or id.",
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "200": {
              "description": "OK",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Explanation"
                }
               }
              }
             },
             "400": {
              "description": "A query parameter or header that cannot be read, or one the operation does not take.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "401": {
              "description": "No access token, or one that is invalid, expired, revoked or refused (WWW-Authenticate: Bearer).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "403": {
              "description": "The token lacks the scope gatehouse.admin (insufficient_scope), acts for no user, or the acting admin lacks the admin permission named in `permission` (admin_permission_missing).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "503": {
              "description": "The database cannot be reached; retry (Retry-After).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "404": {
              "description": "No entity has this id.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             }
            },
            "tags": [
             "Access"
            ]
           }
          },
          "/admin/api/v1/login-history": {
           "get": {
            "operationId": "listLoginEvents",
            "summary": "Login events on every flow, newest first",
            "description": "Needs the admin permission view-audit-trail.",
            "security": [
             {
              "gatehouse": [
               "gatehouse.admin"
              ]
             }
            ],
            "parameters": [
             {
              "name": "user",
              "in": "query",
              "required": false,
              "description": "A user (or attempted username).",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "app",
              "in": "query",
              "required": false,
              "description": "An app name or client id.",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "result",
              "in": "query",
              "required": false,
              "description": "The result.",
              "schema": {
               "type": "string",
               "enum": [
                "allowed",
                "refused",
                "would_refuse"
               ]
              }
             },
             {
              "name": "reason",
              "in": "query",
              "required": false,
              "description": "A reason code (docs/errors.md).",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "flow",
              "in": "query",
              "required": false,
              "description": "The flow.",
              "schema": {
               "type": "string",
               "enum": [
                "authorize",
                "code_exchange",
                "refresh",
                "client_credentials",
                "jwt_bearer",
                "introspection",
                "userinfo",
                "admin_api"
               ]
              }
             },
             {
              "name": "since",
              "in": "query",
              "required": false,
              "description": "An ISO 8601 time (2026-11-30T10:00:00Z) or an age (90m, 24h, 7d).",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "until",
              "in": "query",
              "required": false,
              "description": "An ISO 8601 time (2026-11-30T10:00:00Z) or an age (90m, 24h, 7d).",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "limit",
              "in": "query",
              "required": false,
              "description": "Items per page: 1 to 1,000 (default 100).",
              "schema": {
               "type": "integer",
               "minimum": 1,
               "maximum": 1000
              }
             },
             {
              "name": "cursor",
              "in": "query",
              "required": false,
              "description": "The `next` of the previous page.",
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "200": {
              "description": "OK",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/LoginEventPage"
                }
               }
              }
             },
             "400": {
              "description": "A query parameter or header that cannot be read, or one the operation does not take.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "401": {
              "description": "No access token, or one that is invalid, expired, revoked or refused (WWW-Authenticate: Bearer).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "403": {
              "description": "The token lacks the scope gatehouse.admin (insufficient_scope), acts for no user, or the acting admin lacks the admin permission named in `permission` (admin_permission_missing).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "503": {
              "description": "The database cannot be reached; retry (Retry-After).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "404": {
              "description": "No entity has this id.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             }
            },
            "tags": [
             "Operations"
            ]
           }
          },
          "/admin/api/v1/login-history/{traceId}": {
           "get": {
            "operationId": "getLoginEvent",
            "summary": "The login event of a trace id, with the decision as it stands now",
            "description": "Needs the admin permission view-audit-trail (and view-setup for the explanation).",
            "security": [
             {
              "gatehouse": [
               "gatehouse.admin"
              ]
             }
            ],
            "parameters": [
             {
              "name": "traceId",
              "in": "path",
              "required": true,
              "description": "The trace_id of a refusal.",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "explain",
              "in": "query",
              "required": false,
              "description": "Include the decision as it stands now (default true).",
              "schema": {
               "type": "boolean"
              }
             }
            ],
            "responses": {
             "200": {
              "description": "OK",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/LoginEventDetails"
                }
               }
              }
             },
             "400": {
              "description": "A query parameter or header that cannot be read, or one the operation does not take.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "401": {
              "description": "No access token, or one that is invalid, expired, revoked or refused (WWW-Authenticate: Bearer).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "403": {
              "description": "The token lacks the scope gatehouse.admin (insufficient_scope), acts for no user, or the acting admin lacks the admin permission named in `permission` (admin_permission_missing).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "503": {
              "description": "The database cannot be reached; retry (Retry-After).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "404": {
              "description": "No entity has this id.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             }
            },
            "tags": [
             "Operations"
            ]
           }
          },
          "/admin/api/v1/audit": {
           "get": {
            "operationId": "listAuditEvents",
            "summary": "The setup audit trail, newest first",
            "description": "Needs the admin permission view-audit-trail.",
            "security": [
             {
              "gatehouse": [
               "gatehouse.admin"
              ]
             }
            ],
            "parameters": [
             {
              "name": "actor",
              "in": "query",
              "required": false,
              "description": "Only changes by this actor.",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "target",
              "in": "query",
              "required": false,
              "description": "Only changes to this target (a name).",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "targetType",
              "in": "query",
              "required": false,
              "description": "Only this kind of target.",
              "schema": {
               "type": "string",
               "enum": [
                "user",
                "profile",
                "permission-set",
                "connected-app"
               ]
              }
             },
             {
              "name": "since",
              "in": "query",
              "required": false,
              "description": "An ISO 8601 time (2026-11-30T10:00:00Z) or an age (90m, 24h, 7d).",
              "schema": {
               "type": "string"
              }
             },
             {
              "name": "limit",
              "in": "query",
              "required": false,
              "description": "Items per page: 1 to 1,000 (default 100).",
              "schema": {
               "type": "integer",
               "minimum": 1,
               "maximum": 1000
              }
             },
             {
              "name": "cursor",
              "in": "query",
              "required": false,
              "description": "The `next` of the previous page.",
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "200": {
              "description": "OK",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/AuditEventPage"
                }
               }
              }
             },
             "400": {
              "description": "A query parameter or header that cannot be read, or one the operation does not take.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "401": {
              "description": "No access token, or one that is invalid, expired, revoked or refused (WWW-Authenticate: Bearer).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "403": {
              "description": "The token lacks the scope gatehouse.admin (insufficient_scope), acts for no user, or the acting admin lacks the admin permission named in `permission` (admin_permission_missing).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "503": {
              "description": "The database cannot be reached; retry (Retry-After).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             }
            },
            "tags": [
             "Operations"
            ]
           }
          },
          "/admin/api/v1/keys": {
           "get": {
            "operationId": "listSigningKeys",
            "summary": "Signing keys and their schedule (never the private keys)",
            "description": "Needs the admin permission manage-users, manage-profiles-and-permission-sets and manage-connected-apps.",
            "security": [
             {
              "gatehouse": [
               "gatehouse.admin"
              ]
             }
            ],
            "parameters": [],
            "responses": {
             "200": {
              "description": "OK",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Keys"
                }
               }
              }
             },
             "400": {
              "description": "A query parameter or header that cannot be read, or one the operation does not take.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "401": {
              "description": "No access token, or one that is invalid, expired, revoked or refused (WWW-Authenticate: Bearer).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "403": {
              "description": "The token lacks the scope gatehouse.admin (insufficient_scope), acts for no user, or the acting admin lacks the admin permission named in `permission` (admin_permission_missing).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "503": {
              "description": "The database cannot be reached; retry (Retry-After).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             }
            },
            "tags": [
             "Operations"
            ]
           }
          },
          "/admin/api/v1/keys/rotate": {
           "post": {
            "operationId": "rotateSigningKeys",
            "summary": "Add a new signing key per algorithm, published before it signs",
            "description": "Needs the admin permission manage-users, manage-profiles-and-permission-sets and manage-connected-apps.",
            "security": [
             {
              "gatehouse": [
               "gatehouse.admin"
              ]
             }
            ],
            "parameters": [
             {
              "name": "algorithm",
              "in": "query",
              "required": false,
              "description": "Only this algorithm.",
              "schema": {
               "type": "string",
               "enum": [
                "RS256",
                "ES256"
               ]
              }
             },
             {
              "name": "publishFor",
              "in": "query",
              "required": false,
              "description": "How long the new key is published before it signs (default 10m; 0s signs at once).",
              "schema": {
               "type": "string"
              }
             }
            ],
            "responses": {
             "201": {
              "description": "Created",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Keys"
                }
               }
              }
             },
             "400": {
              "description": "A query parameter or header that cannot be read, or one the operation does not take.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "401": {
              "description": "No access token, or one that is invalid, expired, revoked or refused (WWW-Authenticate: Bearer).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "403": {
              "description": "The token lacks the scope gatehouse.admin (insufficient_scope), acts for no user, or the acting admin lacks the admin permission named in `permission` (admin_permission_missing).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "503": {
              "description": "The database cannot be reached; retry (Retry-After).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             }
            },
            "tags": [
             "Operations"
            ]
           }
          },
          "/admin/api/v1/config": {
           "get": {
            "operationId": "exportConfig",
            "summary": "The whole directory as a config document (YAML or JSON by Accept); hashes only for an admin with manage-users, manage-profiles-and-permission-sets and manage-connected-apps",
            "description": "Needs the admin permission view-setup.",
            "security": [
             {
              "gatehouse": [
               "gatehouse.admin"
              ]
             }
            ],
            "parameters": [],
            "responses": {
             "200": {
              "description": "OK",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/ConfigDocument"
                }
               },
               "application/yaml": {
                "schema": {
                 "$ref": "#/components/schemas/ConfigDocument"
                }
               }
              }
             },
             "400": {
              "description": "A query parameter or header that cannot be read, or one the operation does not take.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "401": {
              "description": "No access token, or one that is invalid, expired, revoked or refused (WWW-Authenticate: Bearer).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "403": {
              "description": "The token lacks the scope gatehouse.admin (insufficient_scope), acts for no user, or the acting admin lacks the admin permission named in `permission` (admin_permission_missing).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "503": {
              "description": "The database cannot be reached; retry (Retry-After).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             }
            },
            "tags": [
             "Operations"
            ]
           },
           "post": {
            "operationId": "applyConfig",
            "summary": "Apply a config document (adds and changes, never removes)",
            "description": "Needs the admin permission manage-users, manage-profiles-and-permission-sets and manage-connected-apps.",
            "security": [
             {
              "gatehouse": [
               "gatehouse.admin"
              ]
             }
            ],
            "parameters": [
             {
              "name": "dryRun",
              "in": "query",
              "required": false,
              "description": "true: return what the change would do (who loses access, live grants that end) and change nothing.",
              "schema": {
               "type": "boolean"
              }
             }
            ],
            "responses": {
             "200": {
              "description": "OK",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/ConfigChange"
                }
               }
              }
             },
             "400": {
              "description": "A query parameter or header that cannot be read, or one the operation does not take.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "401": {
              "description": "No access token, or one that is invalid, expired, revoked or refused (WWW-Authenticate: Bearer).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "403": {
              "description": "The token lacks the scope gatehouse.admin (insufficient_scope), acts for no user, or the acting admin lacks the admin permission named in `permission` (admin_permission_missing).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "503": {
              "description": "The database cannot be reached; retry (Retry-After).",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "422": {
              "description": "The body does not pass the config contract's checks: every problem in `errors`, with its path.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "413": {
              "description": "The body is larger than 64 MiB.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             },
             "415": {
              "description": "Neither YAML nor JSON.",
              "content": {
               "application/problem+json": {
                "schema": {
                 "$ref": "#/components/schemas/Problem"
                }
               }
              }
             }
            },
            "requestBody": {
             "required": true,
             "content": {
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/ConfigDocument"
               }
              },
              "application/yaml": {
               "schema": {
                "$ref": "#/components/schemas/ConfigDocument"
               }
              }
             }
            },
            "tags": [
             "Operations"
            ]
           }
          }
         },
         "components": {
          "schemas": {
           "Problem": {
            "type": "object",
            "properties": {
             "type": {
              "type": "string"
             },
             "title": {
              "type": "string"
             },
             "status": {
              "type": "integer"
             },
             "detail": {
              "type": "string"
             },
             "traceId": {
              "type": "string"
             },
             "reason": {
              "type": "string",
              "description": "admin_permission_missing, insufficient_scope, no_acting_user, or the access decision's reason for a refused token (docs/errors.md)"
             },
             "permission": {
              "type": "string",
              "enum": [
               "view-setup",
               "manage-users",
               "manage-profiles-and-permission-sets",
               "manage-connected-apps",
               "view-audit-trail"
              ]
             },
             "errors": {
              "type": "array",
              "items": {
               "type": "object",
               "properties": {
                "path": {
                 "type": "string"
                },
                "message": {
                 "type": "string"
                }
               },
               "required": [
                "path",
                "message"
               ]
              }
             }
            },
            "required": [
             "type",
             "title",
             "status",
             "detail",
             "traceId"
            ]
           },
           "User": {
            "type": "object",
            "properties": {
             "id": {
              "type": "string"
             },
             "version": {
              "type": "integer"
             },
             "username": {
              "type": "string"
             },
             "email": {
              "type": "string"
             },
             "displayName": {
              "type": "string"
             },
             "active": {
              "type": "boolean"
             },
             "hasPassword": {
              "type": "boolean"
             },
             "profile": {
              "type": "string"
             },
             "permissionSets": {
              "type": "array",
              "items": {
               "type": "string"
              }
             },
             "adminPermissions": {
              "type": "array",
              "items": {
               "type": "string",
               "enum": [
                "view-setup",
                "manage-users",
                "manage-profiles-and-permission-sets",
                "manage-connected-apps",
                "view-audit-trail"
               ]
              }
             }
            },
            "required": [
             "id",
             "version",
             "username",
             "email",
             "displayName",
             "active",
             "hasPassword",
             "profile",
             "permissionSets",
             "adminPermissions"
            ]
           },
           "NewUser": {
            "type": "object",
            "properties": {
             "username": {
              "type": "string",
              "minLength": 1
             },
             "email": {
              "type": "string"
             },
             "displayName": {
              "type": "string"
             },
             "password": {
              "type": "string",
              "description": "In clear, checked against the password rules and stored only as a slow hash."
             },
             "profile": {
              "type": "string",
              "description": "The profile's name."
             },
             "permissionSets": {
              "type": "array",
              "items": {
               "type": "string",
               "description": "Permission set names; a list given replaces the list."
              }
             },
             "active": {
              "type": "boolean"
             }
            },
            "required": [
             "username",
             "email",
             "profile"
            ],
            "additionalProperties": false
           },
           "UserPatch": {
            "type": "object",
            "properties": {
             "username": {
              "type": "string",
              "minLength": 1
             },
             "email": {
              "type": "string"
             },
             "displayName": {
              "type": "string"
             },
             "password": {
              "type": "string",
              "description": "In clear, checked against the password rules and stored only as a slow hash."
             },
             "profile": {
              "type": "string",
              "description": "The profile's name."
             },
             "permissionSets": {
              "type": "array",
              "items": {
               "type": "string",
               "description": "Permission set names; a list given replaces the list."
              }
             },
             "active": {
              "type": "boolean"
             }
            },
            "additionalProperties": false
           },
           "Bundle": {
            "type": "object",
            "properties": {
             "id": {
              "type": "string"
             },
             "version": {
              "type": "integer"
             },
             "name": {
              "type": "string"
             },
             "builtIn": {
              "type": "boolean"
             },
             "adminPermissions": {
              "type": "array",
              "items": {
               "type": "string",
               "enum": [
                "view-setup",
                "manage-users",
                "manage-profiles-and-permission-sets",
                "manage-connected-apps",
                "view-audit-trail"
               ]
              }
             },
             "connectedApps": {
              "type": "array",
              "items": {
               "type": "string"
              }
             }
            },
            "required": [
             "id",
             "version",
             "name",
             "builtIn",
             "adminPermissions",
             "connectedApps"
            ]
           },
           "NewBundle": {
            "type": "object",
            "properties": {
             "name": {
              "type": "string",
              "minLength": 1
             },
             "adminPermissions": {
              "type": "array",
              "items": {
               "type": "string",
               "enum": [
                "view-setup",
                "manage-users",
                "manage-profiles-and-permission-sets",
                "manage-connected-apps",
                "view-audit-trail"
               ]
              }
             },
             "connectedApps": {
              "type": "array",
              "items": {
               "type": "string",
               "description": "App names; a list given replaces the list."
              }
             }
            },
            "required": [
             "name"
            ],
            "additionalProperties": false
           },
           "BundlePatch": {
            "type": "object",
            "properties": {
             "name": {
              "type": "string",
              "minLength": 1
             },
             "adminPermissions": {
              "type": "array",
              "items": {
               "type": "string",
               "enum": [
                "view-setup",
                "manage-users",
                "manage-profiles-and-permission-sets",
                "manage-connected-apps",
                "view-audit-trail"
               ]
              }
             },
             "connectedApps": {
              "type": "array",
              "items": {
               "type": "string",
               "description": "App names; a list given replaces the list."
              }
             }
            },
            "additionalProperties": false
           },
           "App": {
            "type": "object",
            "properties": {
             "id": {
              "type": "string"
             },
             "version": {
              "type": "integer"
             },
             "name": {
              "type": "string"
             },
             "clientId": {
              "type": "string"
             },
             "secretIds": {
              "type": "array",
              "items": {
               "type": "string"
              }
             },
             "public": {
              "type": "boolean"
             },
             "callbackUrls": {
              "type": "array",
              "items": {
               "type": "string"
              }
             },
             "scopes": {
              "type": "array",
              "items": {
               "type": "string"
              }
             },
             "grantTypes": {
              "type": "array",
              "items": {
               "type": "string"
              }
             },
             "permittedUsers": {
              "type": "string"
             },
             "refreshTokenPolicy": {
              "type": "string"
             },
             "refreshTokenRotation": {
              "type": "boolean"
             },
             "runAsUser": {
              "type": "string"
             },
             "accessTokenFormat": {
              "type": "string"
             },
             "accessTokenLifetime": {
              "type": "string"
             },
             "idTokenLifetime": {
              "type": "string"
             },
             "requirePkce": {
              "type": "boolean"
             },
             "blocked": {
              "type": "boolean"
             },
             "enforcement": {
              "type": "string"
             },
             "assertionKeys": {
              "type": "integer",
              "description": "How many assertion keys are registered."
             },
             "tokensNotBefore": {
              "type": "string",
              "format": "date-time"
             },
             "introspectAllTokens": {
              "type": "boolean"
             },
             "grantedBy": {
              "type": "array",
              "items": {
               "type": "string",
               "description": "The profiles and permission sets that grant the app."
              }
             }
            },
            "required": [
             "id",
             "version",
             "name",
             "clientId",
             "secretIds",
             "public",
             "callbackUrls",
             "scopes",
             "grantTypes",
             "permittedUsers",
             "refreshTokenPolicy",
             "refreshTokenRotation",
             "accessTokenFormat",
             "accessTokenLifetime",
             "idTokenLifetime",
             "requirePkce",
             "blocked",
             "enforcement",
             "assertionKeys",
             "introspectAllTokens",
             "grantedBy"
            ]
           },
           "NewApp": {
            "type": "object",
            "properties": {
             "name": {
              "type": "string",
              "minLength": 1
             },
             "clientId": {
              "type": "string",
              "minLength": 1
             },
             "public": {
              "type": "boolean"
             },
             "callbackUrls": {
              "type": "array",
              "items": {
               "type": "string"
              }
             },
             "scopes": {
              "type": "array",
              "items": {
               "type": "string"
              }
             },
             "grantTypes": {
              "type": "array",
              "items": {
               "type": "string",
               "enum": [
                "authorization_code",
                "refresh_token",
                "client_credentials",
                "urn:ietf:params:oauth:grant-type:jwt-bearer"
               ]
              }
             },
             "permittedUsers": {
              "type": "string",
              "enum": [
               "all-users-self-authorize",
               "admin-approved-preauthorized"
              ]
             },
             "refreshTokenPolicy": {
              "type": "string",
              "description": "valid-until-revoked, immediately-expire, expire-after-inactivity:30d, expire-after:30d"
             },
             "refreshTokenRotation": {
              "type": "boolean"
             },
             "runAsUser": {
              "type": [
               "string",
               "null"
              ],
              "description": "A username; null: tokens act for the app itself."
             },
             "accessTokenFormat": {
              "type": "string",
              "enum": [
               "jwt",
               "opaque"
              ]
             },
             "accessTokenLifetime": {
              "type": "string",
              "description": "A duration: 300s, 15m, 12h, 1d."
             },
             "idTokenLifetime": {
              "type": "string",
              "description": "A duration: 300s, 15m, 12h, 1d."
             },
             "requirePkce": {
              "type": "boolean"
             },
             "blocked": {
              "type": "boolean"
             },
             "enforcement": {
              "type": "string",
              "enum": [
               "enforce",
               "report-only"
              ]
             },
             "assertionKeys": {
              "type": "array",
              "items": {
               "type": "string",
               "description": "PEM or JWK public keys that sign the app's JWT bearer assertions."
              }
             },
             "introspectAllTokens": {
              "type": "boolean"
             }
            },
            "required": [
             "name"
            ],
            "additionalProperties": false
           },
           "AppPatch": {
            "type": "object",
            "properties": {
             "name": {
              "type": "string",
              "minLength": 1
             },
             "clientId": {
              "type": "string",
              "minLength": 1
             },
             "public": {
              "type": "boolean"
             },
             "callbackUrls": {
              "type": "array",
              "items": {
               "type": "string"
              }
             },
             "scopes": {
              "type": "array",
              "items": {
               "type": "string"
              }
             },
             "grantTypes": {
              "type": "array",
              "items": {
               "type": "string",
               "enum": [
                "authorization_code",
                "refresh_token",
                "client_credentials",
                "urn:ietf:params:oauth:grant-type:jwt-bearer"
               ]
              }
             },
             "permittedUsers": {
              "type": "string",
              "enum": [
               "all-users-self-authorize",
               "admin-approved-preauthorized"
              ]
             },
             "refreshTokenPolicy": {
              "type": "string",
              "description": "valid-until-revoked, immediately-expire, expire-after-inactivity:30d, expire-after:30d"
             },
             "refreshTokenRotation": {
              "type": "boolean"
             },
             "runAsUser": {
              "type": [
               "string",
               "null"
              ],
              "description": "A username; null: tokens act for the app itself."
             },
             "accessTokenFormat": {
              "type": "string",
              "enum": [
               "jwt",
               "opaque"
              ]
             },
             "accessTokenLifetime": {
              "type": "string",
              "description": "A duration: 300s, 15m, 12h, 1d."
             },
             "idTokenLifetime": {
              "type": "string",
              "description": "A duration: 300s, 15m, 12h, 1d."
             },
             "requirePkce": {
              "type": "boolean"
             },
             "blocked": {
              "type": "boolean"
             },
             "enforcement": {
              "type": "string",
              "enum": [
               "enforce",
               "report-only"
              ]
             },
             "assertionKeys": {
              "type": "array",
              "items": {
               "type": "string",
               "description": "PEM or JWK public keys that sign the app's JWT bearer assertions."
              }
             },
             "introspectAllTokens": {
              "type": "boolean"
             }
            },
            "additionalProperties": false
           },
           "Impact": {
            "type": "object",
            "properties": {
             "losses": {
              "type": "array",
              "items": {
               "type": "object",
               "properties": {
                "user": {
                 "type": "string"
                },
                "app": {
                 "type": "string"
                },
                "reason": {
                 "type": "string"
                },
                "liveGrants": {
                 "type": "integer"
                }
               },
               "required": [
                "user",
                "app",
                "reason",
                "liveGrants"
               ]
              }
             },
             "usersLosingAccess": {
              "type": "integer"
             },
             "liveGrantsEnding": {
              "type": "integer"
             }
            },
            "required": [
             "losses",
             "usersLosingAccess",
             "liveGrantsEnding"
            ]
           },
           "Grant": {
            "type": "object",
            "properties": {
             "id": {
              "type": "string"
             },
             "app": {
              "type": "string"
             },
             "appId": {
              "type": "string"
             },
             "user": {
              "type": "string"
             },
             "userId": {
              "type": "string"
             },
             "scopes": {
              "type": "string"
             },
             "flow": {
              "type": "string"
             },
             "createdAt": {
              "type": "string",
              "format": "date-time"
             },
             "lastUsedAt": {
              "type": "string",
              "format": "date-time"
             }
            },
            "required": [
             "id",
             "app",
             "appId",
             "scopes",
             "flow",
             "createdAt"
            ]
           },
           "Approval": {
            "type": "object",
            "properties": {
             "userId": {
              "type": "string"
             },
             "user": {
              "type": "string"
             },
             "appId": {
              "type": "string"
             },
             "app": {
              "type": "string"
             },
             "scopes": {
              "type": "string"
             },
             "approvedAt": {
              "type": "string",
              "format": "date-time"
             }
            },
            "required": [
             "userId",
             "user",
             "appId",
             "app",
             "scopes",
             "approvedAt"
            ]
           },
           "Check": {
            "type": "object",
            "properties": {
             "name": {
              "type": "string"
             },
             "passed": {
              "type": "boolean"
             },
             "detail": {
              "type": "string"
             }
            },
            "required": [
             "name",
             "passed",
             "detail"
            ]
           },
           "Explanation": {
            "type": "object",
            "properties": {
             "user": {
              "type": "string"
             },
             "app": {
              "type": "string"
             },
             "allowed": {
              "type": "boolean"
             },
             "reason": {
              "type": "string"
             },
             "description": {
              "type": "string"
             },
             "checks": {
              "type": "array",
              "items": {
               "$ref": "#/components/schemas/Check"
              }
             },
             "remedies": {
              "type": "array",
              "items": {
               "type": "object",
               "properties": {
                "description": {
                 "type": "string"
                },
                "command": {
                 "type": "string",
                 "description": "The CLI command that makes the change."
                }
               },
               "required": [
                "description"
               ]
              }
             },
             "summary": {
              "type": "string"
             }
            },
            "required": [
             "user",
             "app",
             "allowed",
             "checks",
             "remedies",
             "summary"
            ]
           },
           "LoginEvent": {
            "type": "object",
            "properties": {
             "time": {
              "type": "string",
              "format": "date-time"
             },
             "traceId": {
              "type": "string"
             },
             "user": {
              "type": "string"
             },
             "app": {
              "type": "string"
             },
             "flow": {
              "type": "string"
             },
             "result": {
              "type": "string",
              "enum": [
               "allowed",
               "refused",
               "would_refuse"
              ]
             },
             "reason": {
              "type": "string"
             },
             "description": {
              "type": "string"
             },
             "clientIp": {
              "type": "string"
             },
             "checks": {
              "type": "array",
              "items": {
               "$ref": "#/components/schemas/Check"
              }
             }
            },
            "required": [
             "time",
             "traceId",
             "flow",
             "result"
            ]
           },
           "LoginEventDetails": {
            "type": "object",
            "properties": {
             "event": {
              "$ref": "#/components/schemas/LoginEvent"
             },
             "now": {
              "$ref": "#/components/schemas/Explanation"
             }
            },
            "required": [
             "event"
            ]
           },
           "AuditEvent": {
            "type": "object",
            "properties": {
             "id": {
              "type": "integer"
             },
             "occurredAt": {
              "type": "string",
              "format": "date-time"
             },
             "actor": {
              "type": "string"
             },
             "action": {
              "type": "string"
             },
             "targetType": {
              "type": "string"
             },
             "target": {
              "type": "string"
             },
             "before": {
              "type": "string",
              "description": "JSON of the target before the change; never a secret or a hash."
             },
             "after": {
              "type": "string",
              "description": "JSON of the target after the change; never a secret or a hash."
             },
             "sourceIP": {
              "type": "string"
             }
            },
            "required": [
             "occurredAt",
             "actor",
             "action",
             "targetType",
             "target"
            ]
           },
           "SigningKey": {
            "type": "object",
            "properties": {
             "kid": {
              "type": "string"
             },
             "algorithm": {
              "type": "string",
              "enum": [
               "RS256",
               "ES256"
              ]
             },
             "createdAt": {
              "type": "string",
              "format": "date-time"
             },
             "activatesAt": {
              "type": "string",
              "format": "date-time"
             },
             "retiredAt": {
              "type": "string",
              "format": "date-time"
             },
             "expiresAt": {
              "type": "string",
              "format": "date-time"
             },
             "state": {
              "type": "string",
              "enum": [
               "signing",
               "published",
               "retired",
               "expired"
              ]
             }
            },
            "required": [
             "kid",
             "algorithm",
             "createdAt",
             "activatesAt",
             "state"
            ]
           },
           "Keys": {
            "type": "object",
            "properties": {
             "items": {
              "type": "array",
              "items": {
               "$ref": "#/components/schemas/SigningKey"
              }
             }
            },
            "required": [
             "items"
            ]
           },
           "Unlocked": {
            "type": "object",
            "properties": {
             "user": {
              "type": "string"
             },
             "failedSignInsCleared": {
              "type": "integer"
             }
            },
            "required": [
             "user",
             "failedSignInsCleared"
            ]
           },
           "Revoked": {
            "type": "object",
            "properties": {
             "revoked": {
              "type": "integer"
             }
            },
            "required": [
             "revoked"
            ]
           },
           "ConfigDocument": {
            "type": "object",
            "description": "The config-as-code document `gatehouse apply` reads (docs/configuration.md).",
            "properties": {
             "profiles": {
              "type": [
               "array",
               "null"
              ],
              "items": {
               "type": "object"
              }
             },
             "permissionSets": {
              "type": [
               "array",
               "null"
              ],
              "items": {
               "type": "object"
              }
             },
             "users": {
              "type": [
               "array",
               "null"
              ],
              "items": {
               "type": "object"
              }
             },
             "connectedApps": {
              "type": [
               "array",
               "null"
              ],
              "items": {
               "type": "object"
              }
             }
            }
           },
           "UserPage": {
            "type": "object",
            "properties": {
             "items": {
              "type": "array",
              "items": {
               "$ref": "#/components/schemas/User"
              }
             },
             "next": {
              "type": [
               "string",
               "null"
              ]
             }
            },
            "required": [
             "items",
             "next"
            ]
           },
           "BundlePage": {
            "type": "object",
            "properties": {
             "items": {
              "type": "array",
              "items": {
               "$ref": "#/components/schemas/Bundle"
              }
             },
             "next": {
              "type": [
               "string",
               "null"
              ]
             }
            },
            "required": [
             "items",
             "next"
            ]
           },
           "AppPage": {
            "type": "object",
            "properties": {
             "items": {
              "type": "array",
              "items": {
               "$ref": "#/components/schemas/App"
              }
             },
             "next": {
              "type": [
               "string",
               "null"
              ]
             }
            },
            "required": [
             "items",
             "next"
            ]
           },
           "GrantPage": {
            "type": "object",
            "properties": {
             "items": {
              "type": "array",
              "items": {
               "$ref": "#/components/schemas/Grant"
              }
             },
             "next": {
              "type": [
               "string",
               "null"
              ]
             }
            },
            "required": [
             "items",
             "next"
            ]
           },
           "ApprovalPage": {
            "type": "object",
            "properties": {
             "items": {
              "type": "array",
              "items": {
               "$ref": "#/components/schemas/Approval"
              }
             },
             "next": {
              "type": [
               "string",
               "null"
              ]
             }
            },
            "required": [
             "items",
             "next"
            ]
           },
           "LoginEventPage": {
            "type": "object",
            "properties": {
             "items": {
              "type": "array",
              "items": {
               "$ref": "#/components/schemas/LoginEvent"
              }
             },
             "next": {
              "type": [
               "string",
               "null"
              ]
             }
            },
            "required": [
             "items",
             "next"
            ]
           },
           "AuditEventPage": {
            "type": "object",
            "properties": {
             "items": {
              "type": "array",
              "items": {
               "$ref": "#/components/schemas/AuditEvent"
              }
             },
             "next": {
              "type": [
               "string",
               "null"
              ]
             }
            },
            "required": [
             "items",
             "next"
            ]
           },
           "UserChange": {
            "type": "object",
            "properties": {
             "dryRun": {
              "type": "boolean"
             },
             "changes": {
              "type": "array",
              "items": {
               "type": "string"
              }
             },
             "impact": {
              "$ref": "#/components/schemas/Impact"
             },
             "item": {
              "oneOf": [
               {
                "$ref": "#/components/schemas/User"
               },
               {
                "type": "null"
               }
              ]
             },
             "clientSecret": {
              "type": "string",
              "description": "A new client secret: shown this once, never again."
             },
             "generatedSecrets": {
              "type": "array",
              "items": {
               "type": "object",
               "properties": {
                "app": {
                 "type": "string"
                },
                "clientId": {
                 "type": "string"
                },
                "clientSecret": {
                 "type": "string"
                }
               },
               "required": [
                "app",
                "clientId",
                "clientSecret"
               ]
              }
             }
            },
            "required": [
             "dryRun",
             "changes",
             "impact",
             "item"
            ]
           },
           "BundleChange": {
            "type": "object",
            "properties": {
             "dryRun": {
              "type": "boolean"
             },
             "changes": {
              "type": "array",
              "items": {
               "type": "string"
              }
             },
             "impact": {
              "$ref": "#/components/schemas/Impact"
             },
             "item": {
              "oneOf": [
               {
                "$ref": "#/components/schemas/Bundle"
               },
               {
                "type": "null"
               }
              ]
             },
             "clientSecret": {
              "type": "string",
              "description": "A new client secret: shown this once, never again."
             },
             "generatedSecrets": {
              "type": "array",
              "items": {
               "type": "object",
               "properties": {
                "app": {
                 "type": "string"
                },
                "clientId": {
                 "type": "string"
                },
                "clientSecret": {
                 "type": "string"
                }
               },
               "required": [
                "app",
                "clientId",
                "clientSecret"
               ]
              }
             }
            },
            "required": [
             "dryRun",
             "changes",
             "impact",
             "item"
            ]
           },
           "AppChange": {
            "type": "object",
            "properties": {
             "dryRun": {
              "type": "boolean"
             },
             "changes": {
              "type": "array",
              "items": {
               "type": "string"
              }
             },
             "impact": {
              "$ref": "#/components/schemas/Impact"
             },
             "item": {
              "oneOf": [
               {
                "$ref": "#/components/schemas/App"
               },
               {
                "type": "null"
               }
              ]
             },
             "clientSecret": {
              "type": "string",
              "description": "A new client secret: shown this once, never again."
             },
             "generatedSecrets": {
              "type": "array",
              "items": {
               "type": "object",
               "properties": {
                "app": {
                 "type": "string"
                },
                "clientId": {
                 "type": "string"
                },
                "clientSecret": {
                 "type": "string"
                }
               },
               "required": [
                "app",
                "clientId",
                "clientSecret"
               ]
              }
             }
            },
            "required": [
             "dryRun",
             "changes",
             "impact",
             "item"
            ]
           },
           "ConfigChange": {
            "type": "object",
            "properties": {
             "dryRun": {
              "type": "boolean"
             },
             "changes": {
              "type": "array",
              "items": {
               "type": "string"
              }
             },
             "impact": {
              "$ref": "#/components/schemas/Impact"
             },
             "item": {
              "type": "null"
             },
             "clientSecret": {
              "type": "string",
              "description": "A new client secret: shown this once, never again."
             },
             "generatedSecrets": {
              "type": "array",
              "items": {
               "type": "object",
               "properties": {
                "app": {
                 "type": "string"
                },
                "clientId": {
                 "type": "string"
                },
                "clientSecret": {
                 "type": "string"
                }
               },
               "required": [
                "app",
                "clientId",
                "clientSecret"
               ]
              }
             }
            },
            "required": [
             "dryRun",
             "changes",
             "impact",
             "item"
            ]
           }
          },
          "securitySchemes": {
           "gatehouse": {
            "type": "oauth2",
            "description": "Access tokens of this Gatehouse (JWT or opaque) with the scope gatehouse.admin.",
            "flows": {
             "clientCredentials": {
              "tokenUrl": "/token",
              "scopes": {
               "gatehouse.admin": "Administer Gatehouse"
              }
             },
             "authorizationCode": {
              "authorizationUrl": "/authorize",
              "tokenUrl": "/token",
              "scopes": {
               "gatehouse.admin": "Administer Gatehouse"
              }
             }
            }
           }
          }
         }
        }
        """#
}
