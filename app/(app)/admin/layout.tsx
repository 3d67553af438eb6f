/** This section calls procedures from the browser: react-query and the tRPC client are loaded here, not in the root layout. */
import { RpcProvider } from "../../_components/rpc-provider";

export default function Layout({ children }: { children: React.ReactNode }) {
  return <RpcProvider>{children}</RpcProvider>;
}
