// The part of Tauri's global API (`app.withGlobalTauri`) the UI uses.

interface TauriEvent<T> {
  event: string;
  id: number;
  payload: T;
}

type UnlistenFn = () => void;

interface TauriWebviewWindow {
  label: string;
  listen<T>(event: string, handler: (event: TauriEvent<T>) => void): Promise<UnlistenFn>;
  close(): Promise<void>;
}

interface Window {
  __TAURI__: {
    core: {
      invoke<T>(command: string, args?: Record<string, unknown>): Promise<T>;
    };
    webviewWindow: {
      getCurrentWebviewWindow(): TauriWebviewWindow;
    };
  };
}
