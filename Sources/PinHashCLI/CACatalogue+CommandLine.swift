import PinHash

extension CACatalogue {
    /// The catalogue the commands name CA pins from: the generated one (`make catalogue`).
    static var commandLine: CACatalogue { .builtIn }
}
