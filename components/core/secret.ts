// A secret string that refuses to print itself, so a plaintext credential cannot reach a log line by accident.

/** A secret string: logs, JSON and template strings show `[secret]`. Wrap `reveal()` in `pulumi.secret` at once. */
export class SecretValue {
    readonly #value: string;
    constructor(value: string) {
        this.#value = value;
    }
    /** The plaintext; wrap it in `pulumi.secret` at once. */
    reveal(): string {
        return this.#value;
    }
    toString(): string {
        return "[secret]";
    }
    toJSON(): string {
        return "[secret]";
    }
    [Symbol.for("nodejs.util.inspect.custom")](): string {
        return "[secret]";
    }
}
