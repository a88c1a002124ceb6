import Foundation
import ParleyCore
import Testing
@testable import ParleyConfig

/// `[images.NAME]` tables.
struct ImageBackendConfigTests {
    let parser = ConfigParser(file: "config.toml")

    @Test func anImagesTableIsRead() throws {
        let config = try parser.parse("""
            [images.sd]
            kind = "sdwebui"
            base_url = "http://127.0.0.1:7860"
            model = "sd15.safetensors [abc]"
            idle_timeout = 600
            [images.dalle]
            kind = "openai"
            base_url = "https://images.example/v1"
            api_key_env = "IMAGES_KEY"
            """)
        let sd = try #require(config.imageBackends["sd"])
        #expect(sd.kind == "sdwebui" && sd.baseURL.absoluteString == "http://127.0.0.1:7860")
        #expect(sd.model == "sd15.safetensors [abc]" && sd.idleTimeout == 600)
        #expect(config.imageBackends["dalle"]?.apiKeyEnv == "IMAGES_KEY")
    }

    @Test(arguments: [
        ("[images.x]\nbase_url = \"http://h\"\n", "images.x.kind"),
        ("[images.x]\nkind = \"comfy\"\nbase_url = \"http://h\"\n", "images.x.kind"),
        ("[images.x]\nkind = \"sdwebui\"\n", "images.x.base_url"),
        ("[images.x]\nkind = \"sdwebui\"\nbase_url = \"ftp://h\"\n", "images.x.base_url"),
        ("[images.x]\nkind = \"sdwebui\"\nbase_url = \"http://h\"\nsteps = 3\n", "images.x.steps"),
    ])
    func mistakesNameTheirKey(text: String, key: String) throws {
        let error = try #require(throws: ConfigError.self) { try parser.parse(text) }
        let line = oneLineDescription(of: error)
        #expect(line.contains(key), "\(line)")
    }

    @Test func imageDisplayIsRead() throws {
        #expect(try parser.parse("image_display = \"kitty\"\n").imageDisplay == "kitty")
        #expect(try parser.parse("").imageDisplay == nil)
    }
}
