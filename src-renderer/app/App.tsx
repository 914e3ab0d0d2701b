/** The app: connect to the engine, then the start screen or an open base. */
import { useEffect, useState } from 'react';
import type { EngineClient } from '../../src-shared/api/engine.contract';
import type { BaseInfo } from '../../src-shared/api/engine.dto';
import { connectEngine } from '../engine/connect';
import { StartScreen } from './StartScreen';
import { BaseView } from './BaseView';
import { rememberBase } from './recent';

export function App(): React.JSX.Element {
  const [engine, setEngine] = useState<EngineClient | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [base, setBase] = useState<BaseInfo | null>(null);

  useEffect(() => {
    connectEngine().then(setEngine, (e: Error) => setError(e.message));
  }, []);

  if (error) return <div className="fatal" role="alert">{error}</div>;
  if (!engine) return <div className="loading">Connecting…</div>;
  if (!base) {
    return (
      <StartScreen
        engine={engine}
        onOpened={(info) => {
          rememberBase(info.path);
          setBase(info);
        }}
      />
    );
  }
  return <BaseView engine={engine} base={base} onClose={() => setBase(null)} />;
}
