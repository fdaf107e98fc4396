// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "gatehouse",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "gatehouse", targets: ["gatehouse"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit", from: "4.5.2"),
        .package(url: "https://github.com/vapor/sqlite-nio", from: "1.13.2"),
        .package(url: "https://github.com/vapor/postgres-kit", from: "2.17.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // The protocol and the policy: models, validation, errors. No I/O.
        .target(
            name: "GatehouseCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Config as code: the YAML document, its validation with paths, the plan.
        .target(
            name: "GatehouseConfig",
            dependencies: [
                "GatehouseCore",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        // SQL storage on SQLite and PostgreSQL: migrations, repositories, change feed.
        .target(
            name: "GatehouseStorage",
            dependencies: [
                "GatehouseCore",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                // Its SQLite library (VaporCSQLite) is the one Gatehouse's own connections call (SQLiteHandle).
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // For ConnectionPoolError: telling "PostgreSQL is unreachable" from a failed query (503, not 500).
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The admin use cases, written once for the CLI, the admin API, the console and SCIM: values in, values out.
        .target(
            name: "GatehouseAdmin",
            dependencies: ["GatehouseCore", "GatehouseConfig", "GatehouseStorage"],
            swiftSettings: swiftSettings
        ),
        // HTTP: Hummingbird application, endpoints, middleware. buildApplication() is the composition root.
        .target(
            name: "GatehouseServer",
            dependencies: [
                "GatehouseCore",
                "GatehouseStorage",
                "GatehouseConfig",
                "GatehouseAdmin",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The executable: `gatehouse serve` and the admin subcommands.
        .executableTarget(
            name: "gatehouse",
            dependencies: [
                "GatehouseCore",
                "GatehouseConfig",
                "GatehouseStorage",
                "GatehouseAdmin",
                "GatehouseServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                // `--server`: the admin commands through a server's admin API.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The benchmark of the access decision (scripts/bench-decision): in process with no I/O, or with the user
        // read from a real database (--database).
        .executableTarget(
            name: "gatehouse-decision-bench",
            dependencies: ["GatehouseCore", "GatehouseStorage", "GatehouseAdmin"],
            path: "Benchmarks/Decision",
            swiftSettings: swiftSettings
        ),
        // Fixtures shared by the test targets: throwaway databases on both backends.
        .target(
            name: "GatehouseTestSupport",
            dependencies: [
                "GatehouseCore", "GatehouseStorage", .product(name: "PostgresKit", package: "postgres-kit"),
                // The software WebAuthn authenticator's keys.
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            path: "Tests/GatehouseTestSupport"
        ),
        .testTarget(
            name: "GatehouseCoreTests", dependencies: ["GatehouseCore", "GatehouseConfig", "GatehouseTestSupport"]),
        .testTarget(
            name: "GatehouseStorageTests",
            dependencies: ["GatehouseCore", "GatehouseConfig", "GatehouseStorage", "GatehouseTestSupport"]
        ),
        .testTarget(
            name: "GatehouseAdminTests",
            dependencies: ["GatehouseAdmin", "GatehouseCore", "GatehouseStorage", "GatehouseTestSupport"]
        ),
        .testTarget(
            name: "GatehouseServerTests",
            dependencies: [
                "GatehouseServer", "GatehouseStorage", "GatehouseTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        .testTarget(
            name: "GatehouseCLITests",
            dependencies: [
                "gatehouse", "GatehouseCore", "GatehouseStorage", "GatehouseTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
    ]
)
