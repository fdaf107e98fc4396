import Foundation
import GatehouseAdmin
import GatehouseConfig
import GatehouseCore
import Hummingbird

/// `/profiles` and `/permission-sets`: list (by name), read, create, change (the apps each grants, its admin
/// permissions, its name), delete.
struct BundlesAPI: Sendable {
    let api: AdminAPI
    let kind: BundleKind

    private var collection: String { kind == .profile ? "profiles" : "permission-sets" }

    func addRoutes<Context>(to routes: AdminRoutes<Context>) {
        let kind = self.kind
        let collection = self.collection
        routes.on(.get, collection, query: ["limit", "cursor", "name"]) { request in
            let (after, limit) = try request.paging()
            return try request.page(
                try await request.admin.bundles(kind, name: request.query["name"], after: after, limit: limit))
        }
        routes.on(.post, collection, query: ["dryRun"]) { request in
            try request.mayChange(.manageProfilesAndPermissionSets)
            let spec = try Self.spec(kind, try await request.jsonBody(), patch: false)
            let prepared = try await request.admin.createBundle(kind, spec)
            let id = prepared.changes.first?.ref.id ?? ""
            return try await request.change(
                prepared, item: { after, version in Self.item(kind, id, after, version) },
                location: "\(AdminAPI.base)/\(collection)/\(id)")
        }
        routes.on(.get, "\(collection)/{id}") { request in
            try request.entity(try await request.admin.bundle(kind, id: request.parameter("id")))
        }
        routes.on(.patch, "\(collection)/{id}", query: ["dryRun"]) { request in
            try request.mayChange(.manageProfilesAndPermissionSets)
            let id = request.parameter("id")
            let condition = try request.ifMatch()
            let spec = try Self.spec(kind, try await request.jsonBody(), patch: true)
            let prepared = try await request.admin.editBundle(kind, id: id, spec, from: condition)
            return try await request.change(prepared) { after, version in Self.item(kind, id, after, version) }
        }
        routes.on(.delete, "\(collection)/{id}", query: ["dryRun"]) { request in
            try request.mayChange(.manageProfilesAndPermissionSets)
            let prepared = try await request.admin.deleteBundle(
                kind, id: request.parameter("id"), from: try request.ifMatch())
            return try await request.change(prepared) { _, _ -> Versioned<BundleFields>? in nil }
        }
    }

    /// A body as the kind reads it: a permission set has no sign-in policies.
    static func spec(_ kind: BundleKind, _ body: Data, patch: Bool) throws(ValidationFailure) -> ProfileSpec {
        switch kind {
        case .profile: try ConfigReader.profile(json: body, patch: patch)
        case .permissionSet: try ConfigReader.permissionSet(json: body, patch: patch)
        }
    }

    static func item(_ kind: BundleKind, _ id: String, _ after: Directory, _ version: Int64?)
        -> Versioned<BundleFields>?
    {
        BundleFields.versioned(kind, id: id, in: after, version: version)
    }
}
