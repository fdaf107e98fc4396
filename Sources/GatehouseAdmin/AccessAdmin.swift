import Foundation
import GatehouseCore
import GatehouseStorage

/// An explanation as JSON (`access explain --json`, the admin API): the verdict, every check, and the changes that
/// would grant access.
public struct ExplanationView: Codable, Sendable {
    public var user: String
    public var app: String
    public var allowed: Bool
    public var reason: RefusalReason?
    public var description: String?
    public var checks: [AccessCheck]
    public var remedies: [AccessRemedy]
    public var summary: String

    public init(_ explanation: AccessExplanation) {
        user = explanation.user
        app = explanation.app
        allowed = explanation.decision.isAllowed
        reason = (explanation.decision.refusal ?? explanation.decision.wouldRefuse)?.reason
        description = (explanation.decision.refusal ?? explanation.decision.wouldRefuse)?.description
        checks = explanation.decision.checks
        remedies = explanation.remedies
        summary = explanation.summary
    }
}

/// One approval of a self-authorize app, named for people.
public struct ApprovalView: Codable, Sendable {
    public var user: String
    public var app: String
    public var scopes: String
    public var approvedAt: String
}

/// One approval as the admin API lists it: with the ids of its user and app.
public struct ApprovalItem: Encodable, Sendable {
    public var userId: String
    public var user: String
    public var appId: String
    public var app: String
    public var scopes: String
    public var approvedAt: String
}

extension Admin {
    /// The access decision for a user and an app as it stands now (the user's approval on record included): every
    /// check, and the changes that would grant access. The same decision runs on every path that mints a token; the
    /// question names the flow (default: authorize), and may give the client's address and a time (default: now)
    /// for the checks of login IP ranges and login hours. Without an address the IP check says what it would check.
    public func explain(
        user username: String, app nameOrClientID: String, flow: AccessFlow = .authorize, ip: String? = nil,
        at time: Date? = nil
    ) async throws -> AccessExplanation {
        if let ip, IPAddress(ip) == nil {
            throw AdminFailure(.invalid, "\(ip) is not an IPv4 or IPv6 address")
        }
        let (user, app, directory) = try await subjects(user: username, app: nameOrClientID)
        let approval = try await store.approval(user: user.id, app: app.id)
        let context = AccessContext(
            flow: flow, time: time ?? now(), clientIP: ip.flatMap(IPAddress.init)?.description, approval: approval,
            purpose: .question)
        return AccessExplanation.explain(user: user, app: app, context: context, in: directory)
    }

    /// Users' approvals of self-authorize apps, of one user or one app or both, by app then user.
    public func approvals(user username: String?, app nameOrClientID: String?) async throws -> [ApprovalView] {
        try require(.viewSetup)
        // Every app an approval may name: by the user's, the user's usage apps; by the app's, that app; else all.
        let directory =
            username == nil && nameOrClientID == nil
            ? try await sharedDirectory()
            : try await directory(users: username.map { [$0] } ?? [], apps: nameOrClientID.map { [$0] } ?? [])
        let user = try username.map { try directory.requireUser($0) }
        let app = try nameOrClientID.map { try directory.requireApp($0) }
        return try await store.approvals(user: user?.id, app: app?.id).compactMap { found in
            guard let app = directory.apps[found.approval.app] else { return nil }
            return ApprovalView(
                user: found.username, app: app.name, scopes: found.approval.scopes.description,
                approvedAt: found.approval.approvedAt.formatted(.iso8601))
        }.sorted { ($0.app.lowercased(), $0.user.lowercased()) < ($1.app.lowercased(), $1.user.lowercased()) }
    }

    /// Approvals of one user or one app or both (by name or id), a page at a time in (app id, user id) order.
    public func approvals(user username: String?, app nameOrClientID: String?, after boundary: String?, limit: Int)
        async throws -> Page<ApprovalItem>
    {
        try require(.viewSetup)
        var ids: [EntityRef] = []
        if let username { ids.append(.user(UserID(rawValue: username))) }
        if let nameOrClientID { ids.append(.app(ConnectedAppID(rawValue: nameOrClientID))) }
        let named = try await directory(
            users: username.map { [$0] } ?? [], apps: nameOrClientID.map { [$0] } ?? [], ids: ids)
        let user = try username.map { name in
            try named.user(named: name) ?? named.users[UserID(rawValue: name)] ?? named.requireUser(name)
        }
        let app = try nameOrClientID.map { name in
            try named.app(named: name) ?? named.app(clientID: name) ?? named.apps[ConnectedAppID(rawValue: name)]
                ?? named.requireApp(name)
        }
        let found = try await store.approvals(user: user?.id, app: app?.id, after: boundary, limit: limit + 1)
        let apps = try await directory(ids: Set(found.map(\.approval.app)).sorted().map(EntityRef.app))
        let key = { (found: (approval: Approval, username: String)) in
            "\(found.approval.app.rawValue) \(found.approval.user.rawValue)"
        }
        return Page.of(found, limit: limit, key: key) { found in
            ApprovalItem(
                userId: found.approval.user.rawValue, user: found.username, appId: found.approval.app.rawValue,
                app: apps.apps[found.approval.app]?.name ?? found.approval.app.rawValue,
                scopes: found.approval.scopes.description, approvedAt: found.approval.approvedAt.formatted(.iso8601))
        }
    }
}
