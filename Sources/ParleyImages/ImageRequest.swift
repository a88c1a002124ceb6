import Foundation

/// One picture to make: what `parley image` and `/image` take.
public struct ImageRequest: Sendable, Equatable {
    public var prompt: String
    public var negativePrompt: String?
    public var steps: Int?
    /// Nil or -1 lets the server choose (the sidecar records the seed it used).
    public var seed: Int64?
    public var size: ImageSize?
    public var cfgScale: Double?
    public var sampler: String?
    /// img2img: the picture to start from (PNG or JPEG bytes) and how far to move from it.
    public var initImage: Data?
    public var denoisingStrength: Double?
    public var control: ControlInput?
    /// The checkpoint (SD WebUI) or model (OpenAI) for this picture; nil: the backend's configured one.
    public var model: String?

    public init(
        prompt: String, negativePrompt: String? = nil, steps: Int? = nil, seed: Int64? = nil, size: ImageSize? = nil,
        cfgScale: Double? = nil, sampler: String? = nil, initImage: Data? = nil, denoisingStrength: Double? = nil,
        control: ControlInput? = nil, model: String? = nil
    ) {
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.steps = steps
        self.seed = seed
        self.size = size
        self.cfgScale = cfgScale
        self.sampler = sampler
        self.initImage = initImage
        self.denoisingStrength = denoisingStrength
        self.control = control
        self.model = model
    }
}

/// A ControlNet input: the control picture, the preprocessor (`canny`, `depth`...), the model.
public struct ControlInput: Sendable, Equatable {
    public var image: Data
    public var module: String
    /// Nil: the first model the server lists whose name holds the module's name.
    public var model: String?
    public var weight: Double

    public init(image: Data, module: String, model: String? = nil, weight: Double = 1) {
        self.image = image
        self.module = module
        self.model = model
        self.weight = weight
    }
}
