/** Firmware: the page's baseline editor and import call procedures from the browser. */
import { RpcProvider } from "../../_components/rpc-provider";

export default function Layout({ children }: { children: React.ReactNode }) {
  return <RpcProvider>{children}</RpcProvider>;
}
