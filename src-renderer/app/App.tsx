/** The app: connect to the engine, then the start screen or an open base. */
import { useEffect, useState } from 'react';
import type { EngineClient } from '../../src-shared/api/engine.contract';
import type { BaseInfo } from '../../src-shared/api/engine.dto';
import { ENGINE_LOST, connectEngine } from '../engine/connect';
import { StartScreen } from './StartScreen';
import { BaseView } from './BaseView';
import { rememberBase } from './recent';

export function App(): React.JSX.Element {
  const [engine, setEngine] = useState<EngineClient | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [base, setBase] = useState<BaseInfo | null>(null);

  const [lost, setLost] = useState<string | null>(null);

  useEffect(() => {
    connectEngine().then(setEngine, (e: Error) => setError(e.message));
    const onLost = (e: Event): void => setLost((e as CustomEvent<string>).detail);
    window.addEventListener(ENGINE_LOST, onLost);
    return () => window.removeEventListener(ENGINE_LOST, onLost);
  }, []);

  if (error) return <div className="fatal" role="alert">{error}</div>;
  const banner = lost && (
    <div className="lost" role="alert">
      The connection to the Baseplate engine was lost ({lost}); your saved work is safe in the base file. Start it again (npm start or baseplate serve) and open the new
      address.
    </div>
  );
  if (!engine) return <div className="loading">Connecting…</div>;
  if (!base) {
    return (
      <>
      {banner}
      <StartScreen
        engine={engine}
        onOpened={(info) => {
          rememberBase(info.path);
          setBase(info);
        }}
      />
      </>
    );
  }
  return (
    <>
      {banner}
      <BaseView engine={engine} base={base} onClose={() => setBase(null)} />
    </>
  );
}
