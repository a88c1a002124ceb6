import Foundation

/// The JSON bodies of the AUTOMATIC1111/Forge API (`/sdapi/v1/...`). Pure: tests check them field
/// by field.
public enum SDWebUIRequestBuilder {
    /// The size asked for when none is given: what SD 1.5 checkpoints are trained at.
    public static let defaultSize = ImageSize(width: 512, height: 512)

    /// The body of `txt2img`, or of `img2img` when the request has an init image.
    /// - Parameters:
    ///   - checkpoint: the configured model, sent as `override_settings.sd_model_checkpoint`.
    ///   - controlModel: the ControlNet model chosen for the request's control input.
    public static func body(for request: ImageRequest, checkpoint: String?, controlModel: String? = nil) -> [String: Any] {
        let size = request.size ?? defaultSize
        var body: [String: Any] = [
            "prompt": request.prompt,
            "negative_prompt": request.negativePrompt ?? "",
            "steps": request.steps ?? 20,
            "cfg_scale": request.cfgScale ?? 7,
            "sampler_name": request.sampler ?? "Euler a",
            "seed": request.seed ?? -1,
            "width": size.width,
            "height": size.height,
            "batch_size": 1,
            "n_iter": 1,
        ]
        if let checkpoint { body["override_settings"] = ["sd_model_checkpoint": checkpoint] }
        if let initImage = request.initImage {
            body["init_images"] = [initImage.base64EncodedString()]
            body["denoising_strength"] = request.denoisingStrength ?? 0.75
        }
        if let control = request.control {
            let unit: [String: Any] = [
                "enabled": true,
                "image": control.image.base64EncodedString(),
                "module": control.module,
                "model": controlModel ?? control.model ?? "None",
                "weight": control.weight,
            ]
            body["alwayson_scripts"] = ["controlnet": ["args": [unit]]]
        }
        return body
    }

    /// The path the request goes to under the base URL.
    public static func path(for request: ImageRequest) -> String {
        request.initImage == nil ? "sdapi/v1/txt2img" : "sdapi/v1/img2img"
    }

    /// The ControlNet model for a module: the one asked for, else the first listed whose name holds
    /// the module's name (`canny` → `control_v11p_sd15_canny [d14c016b]`), else the first listed.
    public static func controlModel(for control: ControlInput, available: [String]) -> String? {
        if let model = control.model { return model }
        let key = control.module.lowercased().split(separator: "_").last.map(String.init) ?? control.module.lowercased()
        return available.first(where: { $0.lowercased().contains(key) }) ?? available.first
    }

    /// `<lora:NAME:WEIGHT>`, the way a LoRA is written into a prompt.
    public static func loraTag(name: String, weight: Double = 1) -> String {
        "<lora:\(name):\(weight)>"
    }
}
