/** Burn-in: the board and the run pages call procedures from the browser too (start, verdicts). */
import { RpcProvider } from "../../_components/rpc-provider";

export default function Layout({ children }: { children: React.ReactNode }) {
  return <RpcProvider>{children}</RpcProvider>;
}
