// What one resource type of the `osk` provider plugin does. Each type's handler lives beside its resource class
// (components/remote, components/secrets, components/k8s); the plugin (plugin.ts) adds what all of them share:
// secrets revealed on the way in and kept secret on the way out, the move from the former dynamic providers, and
// the default read and update.

/** What a diff decided, as the engine needs it. */
export interface DiffResult {
    /** Whether anything changed (an update, or a replacement when `replaces` is not empty). */
    changes: boolean;
    /** Properties whose change needs a new resource. @default [] */
    replaces?: string[];
    /** Delete the old resource before creating its replacement. @default false */
    deleteBeforeReplace?: boolean;
}

/**
 * Handler of one type. Values arrive with every secret revealed and leave as plain objects; the plugin keeps secret
 * what the schema marks secret and whatever came in secret. `O` is the stored state: the inputs plus what create adds.
 */
export interface ResourceHandler<I extends object, O extends object = I> {
    /** `osk:<module>:<Type>`. */
    token: string;
    /** What changed between the stored state and the new inputs: OSK's own diff rules. */
    diff(olds: O, news: I): Promise<DiffResult> | DiffResult;
    create(inputs: I): Promise<{ id: string; outs: O }>;
    /** In-place update. @default the new inputs over the stored state (nothing runs) */
    update?(id: string, olds: O, news: I): Promise<{ outs: O }>;
    /** What refresh reads. @default the stored state as it is */
    read?(id: string, props: O): Promise<{ id: string; props: O }>;
    /** What delete does. @default nothing (the state entry goes) */
    delete?(id: string, props: O): Promise<void>;
    /** Outputs secret for these inputs beyond the schema's (e.g. a captured stdout). @default none */
    secretOutputs?(inputs: I): string[];
}

/** A handler of any type, as the plugin holds them. */
export type AnyHandler = ResourceHandler<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
