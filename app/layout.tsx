import type { Metadata, Viewport } from "next";
import "./globals.css";
import { Providers } from "./_components/providers";

export const metadata: Metadata = {
  title: "IronLedger",
  description: "Datacenter hardware lifecycle and CMDB",
  applicationName: "IronLedger",
  appleWebApp: { capable: true, title: "IronLedger", statusBarStyle: "default" },
  icons: { icon: [{ url: "/icon.svg", type: "image/svg+xml" }, { url: "/icons/icon-192.png", sizes: "192x192", type: "image/png" }], apple: "/icons/apple-touch-icon.png" },
};
export const viewport: Viewport = { width: "device-width", initialScale: 1, themeColor: "#0f172a" };
// rendered per request, so Next.js can put the CSP nonce of proxy.ts on its scripts
export const dynamic = "force-dynamic";

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
