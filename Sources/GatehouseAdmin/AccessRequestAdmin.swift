import Foundation
import GatehouseCore
import GatehouseStorage

/// An access request as the CLI, the admin API and the console show it.
public struct AccessRequestView: Codable, Sendable, Equatable {
    public var id: String
    public var userId: String
    public var user: String
    public var appId: String
    public var app: String
    public var note: String?
    public var state: AccessRequest.State
    public var requestedAt: String
    public var decidedAt: String?
    public var decidedBy: String?
    public var decisionNote: String?
    /// For an approval: `{"kind": "profile" | "permission-set", "name": …}`.
    public var grantedThrough: GrantView?

    public struct GrantView: Codable, Sendable, Equatable {
        public var kind: EntityKind
        public var name: String
    }

    public init(_ listed: ListedAccessRequest) {
        let request = listed.request
        id = request.id.rawValue
        userId = request.user.rawValue
        user = listed.username
        appId = request.app.rawValue
        app = listed.appName
        note = request.note
        state = request.state
        requestedAt = request.requestedAt.formatted(.iso8601)
        decidedAt = request.decision?.decidedAt.formatted(.iso8601)
        decidedBy = request.decision?.decidedBy
        decisionNote = request.decision?.note
        grantedThrough = request.decision?.grantedThrough.map { GrantView(kind: $0.kind, name: $0.name) }
    }

    /// The view as the audit trail keeps it.
    var auditJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

/// What an admin deciding a request sees: the request, why the user is refused now, and each grant that would let
/// them in with what else it gives.
public struct AccessRequestReview: Sendable {
    public var request: AccessRequestView
    public var explanation: AccessExplanation
    public var options: [Option]

    /// One way to approve.
    public struct Option: Sendable, Equatable {
        public var grant: AccessRequest.Grant
        /// What choosing it changes, in one sentence.
        public var change: String
        /// What else it gives the user (other apps, admin permissions), or who else gains the app.
        public var alsoGives: [String]
        /// Whether the grant already exists (nothing changes but the request's state).
        public var exists: Bool
    }
}

/// A request with why its user is refused now and the ways to approve it, as JSON (the admin API, `--json`).
public struct AccessRequestDetails: Codable, Sendable {
    public var request: AccessRequestView
    public var explanation: ExplanationView
    public var options: [Option]

    public struct Option: Codable, Sendable {
        public var kind: EntityKind
        public var name: String
        public var change: String
        public var alsoGives: [String]
        public var exists: Bool
    }

    public init(_ review: AccessRequestReview) {
        request = review.request
        explanation = ExplanationView(review.explanation)
        options = review.options.map {
            Option(
                kind: $0.grant.kind, name: $0.grant.name, change: $0.change, alsoGives: $0.alsoGives,
                exists: $0.exists)
        }
    }
}

extension Admin {
    /// Requests newest first, in one state (nil: every state), a page at a time.
    public func accessRequests(state: AccessRequest.State?, after boundary: String?, limit: Int) async throws
        -> Page<AccessRequestView>
    {
        try require(.manageUsers)
        let found = try await store.accessRequests(state: state, after: boundary, limit: limit + 1)
        return Page.of(found, limit: limit, key: \.boundary, item: AccessRequestView.init)
    }

    /// One request, by id.
    public func accessRequest(id: String) async throws -> AccessRequestView {
        AccessRequestView(try await listedRequest(id))
    }

    /// The request with why its user is refused now and the grants that would let them in.
    public func review(accessRequest id: String) async throws -> AccessRequestReview {
        let listed = try await listedRequest(id)
        let directory = try await directory(ids: [.user(listed.request.user), .app(listed.request.app)])
        guard let user = directory.users[listed.request.user], let app = directory.apps[listed.request.app] else {
            throw AdminFailure(.notFound, "the user or app of access request \(id) no longer exists")
        }
        let explanation = AccessExplanation.explain(
            user: user, app: app, context: AccessContext(flow: .authorize, time: now(), purpose: .question),
            in: directory)
        let options = try await grantOptions(user: user, app: app, in: directory)
        return AccessRequestReview(request: AccessRequestView(listed), explanation: explanation, options: options)
    }

    /// Approves a pending request by `grant`: the user's own profile is made to grant the app, or a permission set
    /// that grants it is assigned to the user. The change and the request's new state are one commit, audited
    /// together; the change needs its own permission besides `manage-users`.
    public func approve(accessRequest id: String, through grant: AccessRequest.Grant) async throws -> CommittedChange {
        try require(.manageUsers)
        let listed = try await pendingRequest(id)
        let directory = try await directory(
            profiles: grant.kind == .profile ? [grant.name] : [],
            permissionSets: grant.kind == .permissionSet ? [grant.name] : [],
            ids: [.user(listed.request.user), .app(listed.request.app)])
        guard let user = directory.users[listed.request.user], let app = directory.apps[listed.request.app] else {
            throw AdminFailure(.notFound, "the user or app of access request \(id) no longer exists")
        }
        var changes: [DirectoryChange] = []
        var needing: [AdminPermission] = [.manageUsers]
        switch grant {
        case .profile(let name):
            let profile = try directory.requireProfile(name)
            guard profile.id == user.profile else {
                throw AdminFailure(
                    .invalid,
                    "\(user.username)'s profile is \(directory.profiles[user.profile]?.name ?? "another"), not \(profile.name): approve through the user's own profile or a permission set"
                )
            }
            if !profile.connectedApps.contains(app.id) {
                var after = profile
                after.connectedApps.insert(app.id)
                changes.append(.updateProfile(before: profile, after: after))
                needing.append(.manageProfilesAndPermissionSets)
            }
        case .permissionSet(let name):
            let set = try directory.requirePermissionSet(name)
            guard set.connectedApps.contains(app.id) else {
                throw AdminFailure(
                    .invalid,
                    "permission set \(set.name) does not grant \(app.name): choose one that does, or grant the app to it first"
                )
            }
            if !user.permissionSets.contains(set.id) {
                var after = user
                after.permissionSets.insert(set.id)
                changes.append(.updateUser(before: user, after: after))
            }
        }
        let prepared = try await prepare(changes, basedOn: directory, needing: needing)
        return try await decide(
            listed, as: .approved, note: nil, grantedThrough: grant, action: .userAccessRequestApproved,
            committing: prepared)
    }

    /// Declines a pending request, with the admin's words for the user.
    public func decline(accessRequest id: String, note: String?) async throws -> CommittedChange {
        try require(.manageUsers)
        let listed = try await pendingRequest(id)
        let prepared = try await prepare(
            [], basedOn: try await directory(ids: [.user(listed.request.user)]), needing: [.manageUsers])
        return try await decide(
            listed, as: .declined, note: note, grantedThrough: nil, action: .userAccessRequestDeclined,
            committing: prepared)
    }

    private func decide(
        _ listed: ListedAccessRequest, as state: AccessRequest.State, note: String?,
        grantedThrough: AccessRequest.Grant?, action: AuditAction, committing prepared: PreparedChange
    ) async throws -> CommittedChange {
        try require(allOf: prepared.permissions)
        if !prepared.isEmpty {
            try authorize(prepared.changes, from: prepared.base, to: prepared.after, toCommit: true)
        }
        let time = now()
        let decision = AccessRequest.Decision(
            decidedBy: actor.name, decidedAt: time, note: note, grantedThrough: grantedThrough)
        var decided = listed
        decided.request.state = state
        decided.request.decision = decision
        let event = AuditEvent(
            occurredAt: time, actor: actor.name, action: action, target: listed.username,
            before: AccessRequestView(listed).auditJSON, after: AccessRequestView(decided).auditJSON,
            sourceIP: actor.sourceIP)
        let version: Int64
        let events: [AuditEvent]
        do {
            (version, events) = try await store.commit(
                prepared.changes, basedOn: prepared.base, leaving: prepared.after, actor: actor, at: time,
                deciding: DecidedAccessRequest(id: listed.request.id, state: state, decision: decision, event: event))
        } catch StorageError.conflict(let message) {
            // Another admin decided it meanwhile (nothing of this commit was stored): say who; else the change's race.
            _ = try await pendingRequest(listed.request.id.rawValue)
            throw StorageError.conflict(message)
        }
        let summary =
            state == .approved
            ? "approved \(listed.username)'s request for \(listed.appName) through \(grantedThrough?.description ?? "")"
            : "declined \(listed.username)'s request for \(listed.appName)"
        return CommittedChange(version: version, summaries: prepared.summaries + [summary], events: events)
    }

    private func listedRequest(_ id: String) async throws -> ListedAccessRequest {
        try require(.manageUsers)
        guard let listed = try await store.accessRequest(id: AccessRequestID(rawValue: id)) else {
            throw AdminFailure(.notFound, "no access request with id \"\(id)\"")
        }
        return listed
    }

    private func pendingRequest(_ id: String) async throws -> ListedAccessRequest {
        let listed = try await listedRequest(id)
        guard listed.request.state == .pending else {
            let by = listed.request.decision.map { " by \($0.decidedBy) at \($0.decidedAt.formatted(.iso8601))" } ?? ""
            throw AdminFailure(.conflict, "access request \(id) was already \(listed.request.state.rawValue)\(by)")
        }
        return listed
    }
}
