import Foundation
import GatehouseCore
import GatehouseServer
import GatehouseStorage
import GatehouseTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 9, item 8: a connection that sends half a request, or trickles its body, is closed; it cannot hold a file
/// descriptor forever.
@Suite struct SlowConnectionTests {
    /// A plain TCP connection to the test server, read with a timeout.
    final class RawConnection {
        let socket: Int32

        init(port: Int) throws {
            socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard connected == 0 else { throw StorageError.invalidLocation("cannot connect to port \(port)") }
        }

        func send(_ text: String) { _ = text.withCString { Glibc.send(socket, $0, strlen($0), Int32(MSG_NOSIGNAL)) } }

        /// Waits up to `seconds` for the server to close the connection (EOF); true if it did.
        func isClosedByServer(within seconds: Int) -> Bool {
            var timeout = timeval(tv_sec: seconds, tv_usec: 0)
            setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var buffer = [UInt8](repeating: 0, count: 4_096)
            let deadline = Date().addingTimeInterval(Double(seconds))
            while Date() < deadline {
                let count = Glibc.recv(socket, &buffer, buffer.count, 0)
                if count == 0 { return true }  // orderly close
                if count < 0 { return errno == ECONNRESET }
                // A response (e.g. 408) before the close is fine: keep reading until EOF.
            }
            return false
        }

        /// Sends a whole request that asks for the connection to close, and returns what came back.
        func exchange(_ request: String, within seconds: Int = 10) -> String {
            send(request)
            var timeout = timeval(tv_sec: seconds, tv_usec: 0)
            setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4_096)
            while true {
                let count = Glibc.recv(socket, &buffer, buffer.count, 0)
                if count <= 0 { break }
                received += buffer[0..<count]
            }
            return String(decoding: received, as: UTF8.self)
        }

        deinit { Glibc.close(socket) }
    }

    /// Runs blocking socket work on a thread of its own: on the cooperative pool (two threads on two cores) a
    /// blocked `recv` would starve the very server it waits for.
    static func blocking<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }

    static let quick: @Sendable (inout ServerConfiguration) -> Void = {
        $0.idleTimeout = .seconds(1)
        $0.requestReadTimeout = .seconds(1)
    }

    /// Whether a new connection gets `/healthz` answered (the test client's own connection may have idled out).
    static func answersHealth(port: Int) async throws -> Bool {
        try await blocking {
            try RawConnection(port: port).exchange(
                "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
            )
            .hasPrefix("HTTP/1.1 200")
        }
    }

    @Test(arguments: TestBackend.available)
    func aHalfSentRequestHeadIsClosedAndTheServerStillAnswers(backend: TestBackend) async throws {
        try await ServerFixture.run(backend, configure: Self.quick) { server in
            let port = try #require(server.client.port)
            let closed = try await Self.blocking {
                let connection = try RawConnection(port: port)
                connection.send("POST /token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-")
                return connection.isClosedByServer(within: 10)
            }
            #expect(closed)
            #expect(try await Self.answersHealth(port: port))
        }
    }

    @Test(arguments: TestBackend.available)
    func aTrickledBodyIsClosedAtTheReadDeadline(backend: TestBackend) async throws {
        // Idle long enough that only the read deadline can end the connection.
        let trickle: @Sendable (inout ServerConfiguration) -> Void = {
            $0.idleTimeout = .seconds(30)
            $0.requestReadTimeout = .seconds(1)
        }
        try await ServerFixture.run(backend, configure: trickle) { server in
            let port = try #require(server.client.port)
            let started = Date()
            let closed = try await Self.blocking {
                let connection = try RawConnection(port: port)
                connection.send(
                    "POST /token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                        + "Content-Length: 1000\r\n\r\ngrant_type=")
                // A byte every 200 ms: never idle, never done.
                for _ in 0..<15 {
                    connection.send("a")
                    usleep(200_000)
                }
                return connection.isClosedByServer(within: 10)
            }
            #expect(closed)
            #expect(Date().timeIntervalSince(started) < 20)
            #expect(try await Self.answersHealth(port: port))
        }
    }

    @Test(arguments: TestBackend.available)
    func manyIdleConnectionsDoNotStopTheServerAnswering(backend: TestBackend) async throws {
        try await ServerFixture.run(backend, configure: Self.quick) { server in
            let port = try #require(server.client.port)
            let idle = try await Self.blocking {
                let connections = try (0..<200).map { _ in try RawConnection(port: port) }
                for connection in connections { connection.send("GET /healthz HTTP/1.1\r\nHost:") }
                return UncheckedBox(connections)
            }
            #expect(try await Self.answersHealth(port: port))
            let allClosed = try await Self.blocking { idle.value.allSatisfy { $0.isClosedByServer(within: 10) } }
            #expect(allClosed)
        }
    }
}

/// Hands non-Sendable test values to a thread of their own; each is used by one thread at a time.
final class UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
