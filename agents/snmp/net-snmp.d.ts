/** The part of net-snmp (no published types) that the LLDP walker uses. */
declare module "net-snmp" {
  export interface Varbind {
    oid: string;
    type: number;
    value: unknown;
  }
  export interface Session {
    subtree(oid: string, maxRepetitions: number, feed: (varbinds: Varbind[]) => boolean | void, done: (error?: Error) => void): void;
    close(): void;
    on(event: "error", cb: (err: Error) => void): void;
  }
  export interface SessionOptions {
    port?: number;
    version?: number;
    timeout?: number;
    retries?: number;
    backoff?: number;
    transport?: "udp4" | "udp6";
  }
  export interface V3User {
    name: string;
    level: number;
    authProtocol?: string;
    authKey?: string;
    privProtocol?: string;
    privKey?: string;
  }
  const snmp: {
    createSession(target: string, community: string, options?: SessionOptions): Session;
    createV3Session(target: string, user: V3User, options?: SessionOptions): Session;
    isVarbindError(vb: Varbind): boolean;
    Version2c: number;
    Version3: number;
    SecurityLevel: { authPriv: number };
    AuthProtocols: { sha: string; sha256: string };
    PrivProtocols: { aes: string; aes256b: string; aes256r: string };
  };
  export default snmp;
}
