import Foundation
import ParleyCore
import Testing

/// `picture` on a message: optional, so files without it read as before.
@Suite struct MessagePictureTests {
    @Test func aPictureNameRoundTrips() throws {
        // A whole second: dates are stored to the millisecond.
        var message = Message(role: .assistant, content: "a fox", createdAt: Date(timeIntervalSince1970: 1_700_000_000))
        message.picture = "20261203-fox.png"
        let data = try ParleyJSON.encoder().encode(message)
        #expect(String(decoding: data, as: UTF8.self).contains(#""picture" : "20261203-fox.png""#))
        #expect(try ParleyJSON.decoder().decode(Message.self, from: data) == message)
    }

    @Test func aMessageWithoutOneHasNoneAndWritesNone() throws {
        let old = #"{"id":"m1","role":"user","content":"hi","createdAt":"2026-11-29T01:02:03.000Z","status":"complete"}"#
        let message = try ParleyJSON.decoder().decode(Message.self, from: Data(old.utf8))
        #expect(message.picture == nil)
        #expect(!String(decoding: try ParleyJSON.encoder().encode(message), as: UTF8.self).contains("picture"))
    }
}
